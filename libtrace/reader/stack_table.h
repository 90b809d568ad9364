/* The reader's table of STACK records (private to the reader library; the
 * public side is snag/stacks.h). reader.c fills it while it checks the
 * files, then seals it; cursors and snag_trace_stack look ids up. */
#ifndef SNAG_READER_STACK_TABLE_H
#define SNAG_READER_STACK_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "snag/reader.h"

struct snag_stack_table;

struct snag_stack_table *snag_stack_table_new(void);
void snag_stack_table_free(struct snag_stack_table *table);

/* Takes in one STACK record's payload (`size` bytes of u64 frames).
 * Returns NULL, or what is wrong with it (for a warning; the record is
 * then ignored): no frames, too many, id 0, an id this process already
 * used, out of memory. */
const char *snag_stack_table_add(struct snag_stack_table *table, uint32_t process, uint32_t stack_id,
                                 const uint8_t *payload, size_t size);
/* Once every record is in: index, and fold duplicate stacks of a process. */
void snag_stack_table_seal(struct snag_stack_table *table);

/* The id events carry for a STACK_REF to `stack_id`: the first id of equal
 * frames in that process, or 0 when the id is unknown. */
uint32_t snag_stack_table_canonical(const struct snag_stack_table *table, uint32_t process, uint32_t stack_id);
size_t snag_stack_table_frames(const struct snag_stack_table *table, uint32_t process, uint32_t stack_id,
                               const uint64_t **frames);

/* The trace's table (reader.c). */
const struct snag_stack_table *snag_trace_stack_table(const struct snag_trace *trace);

#endif
