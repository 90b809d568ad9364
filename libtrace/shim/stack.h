/* Call stacks, captured where they matter and only there: a contended
 * acquisition (the thread is about to block anyway), a thread's creation,
 * the first time a lock is taken from a call site, and findings the
 * shim makes online. Each distinct stack is written once per process file
 * as a STACK record; records that carry one are preceded by a STACK_REF
 * naming its id (stack.c). */
#ifndef SNAG_SHIM_STACK_H
#define SNAG_SHIM_STACK_H

#include <stdint.h>

#define SNAG_STACK_MAX_FRAMES 32u

/* The calling thread's stack, innermost first, without the shim's own
 * frames and then without `skip_frames` more (0 for a wrapper: the stack
 * starts at the program's call). Deduplicated in a process-wide lock-free
 * table; the first sighting in this process file writes the STACK record.
 * Returns the stack id, or 0 when nothing was captured: recording is off,
 * the shim is already busy on this thread (libunwind calling a wrapper, a
 * signal handler interrupting a capture), the thread's stack is unknown or
 * nearly used up, or the table is full. Keeps errno. Never call it from a
 * release path or sem_post: those must stay async-signal-safe. */
uint32_t snag_stack_capture(unsigned skip_frames);

/* Emits a STACK_REF record naming `stack_id` (0: nothing) for the record the
 * caller writes next, in the same chunk. */
void snag_record_stack_ref(uint32_t stack_id);

/* A fixed record about `object` with the caller's stack before it: a WAIT
 * (the thread is about to block) or a thread CREATE. Returns the stack id. */
uint32_t snag_record_with_stack(uint8_t type, const volatile void *object, uintptr_t return_address);

/* Process-wide filter of (lock, call site) pairs whose first acquisition had
 * its stack captured: 4096 bits, read only on the full-record acquisition
 * path (writer.h), never on the lock loop's short records. A collision
 * merely skips a capture. Not per thread: a thread's first unwind costs
 * libunwind a 256 KiB cache of its own (~0.4 ms here, most of it first
 * touches of fresh pages), which made every short-lived thread pay ~2 ms. */
#define SNAG_STACK_PAIR_WORDS 64u
extern uint64_t snag_stack_seen_pairs[SNAG_STACK_PAIR_WORDS];

static inline uint32_t snag_stack_pair_bit(uint64_t object, uintptr_t site)
{
    return (uint32_t)(((object ^ ((uint64_t)site * UINT64_C(0xff51afd7ed558ccd))) * UINT64_C(0x9E3779B97F4A7C15)) >> 52);
}

static inline int snag_stack_pair_seen(uint64_t object, uintptr_t site)
{
    uint32_t bit = snag_stack_pair_bit(object, site);
    return (int)((__atomic_load_n(&snag_stack_seen_pairs[bit >> 6], __ATOMIC_RELAXED) >> (bit & 63)) & 1);
}

/* The first acquisition of the pair in this process: capture and reference
 * its stack (out of line, cold), and mark the pair seen. Returns 1 when the
 * acquisition must not be recorded at all: a lock libunwind takes inside
 * itself (then its release is dropped too). */
int snag_stack_first_acquisition(uint64_t object, uintptr_t site);

/* Where this thread's stack lies, so that a capture never runs it out:
 * called where a thread begins (the main thread from the constructor, the
 * others from snag's start trampoline). Threads snag did not start have no
 * known bounds and get no stacks. */
void snag_stack_set_thread_bounds(int is_main);

/* Process set-up (finds the shim's own code to drop its frames) and a
 * forked child's fresh table: stack ids are per process file. */
void snag_stack_setup(void);
void snag_stack_after_fork_child(void);

#endif
