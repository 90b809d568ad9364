/* The wait-state table of a process file (format.h, struct snag_wait_slot):
 * what each live thread is blocked on, read while the process runs (`snag
 * run`'s hang monitor) or after it ended (the reader's hang finding). The one
 * place that decodes it. */
#ifndef SNAG_WAITS_H
#define SNAG_WAITS_H

#include <stddef.h>
#include <stdint.h>

#include "snag/format.h"

struct snag_thread_wait {
    int32_t tid;
    uint32_t wait_seq;     /* changes whenever a wait begins or ends */
    int blocked;           /* in a wait now */
    int timed;             /* ... that ends by itself */
    int process_shared;    /* ... on an object another process may release */
    uint8_t object_class;  /* enum snag_object_class */
    uint8_t op;            /* SNAG_OP_WAIT or SNAG_OP_WAIT_SHARED */
    uint64_t object;
    uint64_t site;
    uint64_t since_ticks;
    uint32_t stack;
    uint64_t pthread_self;
};

/* Where the wait table of a process file lies, from its header: 0 with its
 * offset and size, or -1 if the file has none (an older shim) or the header's
 * numbers do not fit in `file_size` bytes. */
int snag_wait_table_place(const struct snag_file_header *header, uint64_t file_size, uint64_t *offset,
                          uint64_t *size);

/* Decodes the slots in use of a table of `size` bytes at `table` (copied
 * field by field: it may be changing under us); returns how many were
 * written to `out` (at most `max`). */
size_t snag_wait_table_read(const void *table, uint64_t size, struct snag_thread_wait *out, size_t max);

#endif
