/* Call stacks the shim captured (STACK records), by id. An event's `stack`
 * field (reader.h) names one; the names module turns one into words or JSON.
 *
 * Uniqueness: a stack id means something only together with its process
 * (process files number their stacks independently, from 1; a forked child
 * starts afresh). Inside one process, equal stacks have one id: the reader
 * folds the rare duplicates the shim's lock-free table writes into the
 * first, so comparing (process, id) compares stacks. An id the reader
 * knows no frames for (its STACK record was lost or corrupt) never reaches
 * an event: `stack` is then 0. */
#ifndef SNAG_STACKS_H
#define SNAG_STACKS_H

#include <stddef.h>
#include <stdint.h>

#include "snag/reader.h"

/* The frames of stack `stack_id` of `process` in *frames: return
 * addresses, innermost first (the program's call into the traced function
 * first, then its callers). Returns the frame count, 0 if the id is
 * unknown (then *frames = NULL). The array lives as long as the trace. */
size_t snag_trace_stack(const struct snag_trace *trace, uint32_t process, uint32_t stack_id,
                        const uint64_t **frames);

#endif
