/* The writer, stubbed, for test_stack_table: stack.c is built with this
 * into a shared library of its own (so that the test's functions are not
 * "the shim's frames" it leaves out), and STACK records are counted instead
 * of written. */
#include <string.h>

#include "writer.h"

__thread struct snag_thread_state snag_thread __attribute__((tls_model("initial-exec")));
struct snag_clock snag_clock;
static uint64_t no_sites[SNAG_SITE_TABLE_ENTRIES];
uint64_t *snag_site_slots = no_sites;

static unsigned stack_records;
static uint32_t last_stack_id;

unsigned stub_stack_records(void) { return stack_records; }
uint32_t stub_last_stack_id(void) { return last_stack_id; }

int snag_writer_active(void) { return 1; }
uint64_t *snag_writer_refill(struct snag_thread_state *thread) { (void)thread; return NULL; }
uint16_t snag_site_insert(uintptr_t return_address, size_t slot) { (void)return_address; return (uint16_t)(slot + 1); }
uint64_t snag_object_spill(uint64_t address) { (void)address; return 0; }

int snag_emit_variable(uint8_t type, uint32_t word1_high, const void *payload, size_t size)
{
    (void)payload;
    if (type == SNAG_REC_STACK && size > 0 && size % 8 == 0) {
        stack_records++;
        last_stack_id = word1_high;
    }
    return 0;
}
