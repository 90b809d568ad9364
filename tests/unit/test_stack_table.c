/* The shim's stack table (libtrace/shim/stack.c) with real captures: equal
 * stacks share one id and one STACK record, different ones do not, a forked
 * child's file gets its records again, and a crowded table answers 0
 * instead of failing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stack.h"

unsigned stub_stack_records(void);
uint32_t stub_last_stack_id(void);

static __attribute__((noinline)) uint32_t capture_here(void)
{
    uint32_t id = snag_stack_capture(0);
    __asm__ volatile("" ::: "memory"); /* keep the call a call, not a tail call */
    return id;
}

/* A distinct stack per `pattern`: `depth` nested calls through one of two
 * functions per bit. */
static uint32_t path_one(unsigned pattern, unsigned depth);
static __attribute__((noinline)) uint32_t path_zero(unsigned pattern, unsigned depth)
{
    uint32_t id = depth == 0 ? capture_here() : (pattern & 1) ? path_one(pattern >> 1, depth - 1)
                                                               : path_zero(pattern >> 1, depth - 1);
    __asm__ volatile("" ::: "memory");
    return id;
}
static __attribute__((noinline)) uint32_t path_one(unsigned pattern, unsigned depth)
{
    uint32_t id = depth == 0 ? capture_here() : (pattern & 1) ? path_one(pattern >> 1, depth - 1)
                                                               : path_zero(pattern >> 1, depth - 1);
    __asm__ volatile("" ::: "memory");
    return id;
}

/* Captures `count` times through path `pattern`, from this one call site
 * (volatile: no unrolling into several sites), ids into `ids`. */
static __attribute__((noinline)) void capture_repeatedly(unsigned pattern, unsigned depth, uint32_t *ids,
                                                         volatile unsigned count)
{
    for (unsigned index = 0; index < count; index++) ids[index] = path_zero(pattern, depth);
}

static void equal_stacks_share_one_id_and_one_record(void **state)
{
    (void)state;
    unsigned before = stub_stack_records();
    uint32_t ids[3];
    capture_repeatedly(5, 3, ids, 3);
    assert_int_not_equal(ids[0], 0);
    assert_int_equal(ids[1], ids[0]);
    assert_int_equal(ids[2], ids[0]);
    assert_int_equal(stub_stack_records(), before + 1);
    assert_int_equal(stub_last_stack_id(), ids[0]);
    uint32_t other;
    capture_repeatedly(6, 3, &other, 1); /* another path */
    assert_int_not_equal(other, 0);
    assert_int_not_equal(other, ids[0]);
    assert_int_equal(stub_stack_records(), before + 2);
}

static void a_forked_childs_file_gets_its_stacks_again(void **state)
{
    (void)state;
    uint32_t ids[2];
    capture_repeatedly(9, 4, ids, 2);
    unsigned before = stub_stack_records();
    snag_stack_after_fork_child();
    capture_repeatedly(9, 4, ids, 2);
    assert_int_not_equal(ids[0], 0);
    assert_int_equal(ids[1], ids[0]);
    assert_int_equal(stub_stack_records(), before + 1);
}

/* Every 13-bit pattern once (from one call site), then again. */
static __attribute__((noinline)) unsigned capture_every_pattern(uint32_t *ids, volatile unsigned count)
{
    unsigned with_id = 0;
    for (unsigned pattern = 0; pattern < count; pattern++) {
        ids[pattern] = path_zero(pattern, 13);
        with_id += ids[pattern] != 0;
    }
    return with_id;
}

static void a_crowded_table_answers_no_id(void **state)
{
    (void)state;
    snag_stack_after_fork_child(); /* an empty table */
    unsigned before = stub_stack_records();
    enum { STACKS = 1u << 13 };
    static uint32_t ids[2][STACKS];
    unsigned with_id = 0, records = 0;
    for (volatile unsigned pass = 0; pass < 2; pass++) { /* the same call site both times */
        unsigned got = capture_every_pattern(ids[pass], STACKS);
        if (pass == 0) {
            with_id = got;
            records = stub_stack_records();
        }
    }
    assert_true(with_id > 1000);   /* most of the table filled */
    assert_true(with_id <= 4096);  /* but never beyond it */
    assert_true(with_id < STACKS); /* so some got no id */
    assert_int_equal(records, before + with_id);
    for (unsigned first = 0; first < STACKS; first++) /* ids are distinct */
        for (unsigned second = first + 1; ids[0][first] && second < STACKS; second += 61)
            assert_true(ids[0][second] != ids[0][first]);
    /* asking again: the same answers; only stacks that found no room before may get one now */
    for (unsigned pattern = 0; pattern < STACKS; pattern++)
        if (ids[0][pattern]) assert_int_equal(ids[1][pattern], ids[0][pattern]);
}

int main(void)
{
    snag_stack_setup();
    snag_stack_set_thread_bounds(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_stacks_share_one_id_and_one_record),
        cmocka_unit_test(a_forked_childs_file_gets_its_stacks_again),
        cmocka_unit_test(a_crowded_table_answers_no_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
