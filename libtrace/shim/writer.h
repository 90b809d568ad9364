/* The shim's trace writer: one file per process image inside the trace
 * directory, carved into chunks; each thread appends records to its own chunk,
 * so recording takes no lock, allocates nothing and makes no system call
 * except when a chunk is full (writer.c). */
#ifndef SNAG_SHIM_WRITER_H
#define SNAG_SHIM_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "clock.h"
#include "snag/format.h"
#include "stack.h"

/* Everything the shim knows about the calling thread. Initial-exec TLS: one
 * %fs-relative access, no __tls_get_addr call, no allocation on first use. */
struct snag_thread_state {
    uint64_t *pos;           /* next free word of the current chunk */
    uint64_t *end;           /* end of the current chunk; pos == end: take a new one */
    uint32_t generation;     /* process generation the chunk belongs to (forks bump it) */
    uint32_t thread_index;   /* process-unique, 0 until the thread's first chunk */
    uint32_t chunk_seq;
    int32_t tid;
    /* pos right after this thread's last acquisition record, | 1 when that
     * record is a REACQUIRE word (a release may fold it into a pair); 0: none */
    uintptr_t after_acquire;
    uint64_t acquired_object;  /* what that acquisition was, for the short records */
    uintptr_t acquired_site;
    uint64_t chunk_first_ticks; /* the current chunk's first_ticks */
    uint8_t acquired_type;     /* 0: none in this chunk yet */
    uint8_t in_shim;         /* the slow path is running on this thread: record nothing */
    uint8_t exit_recorded;   /* the thread's EXIT record is written */
    uint8_t started_by_us;   /* the thread began in snag's trampoline */
    struct snag_wait_slot *wait_slot; /* its slot in the process file's wait-state table, NULL if none */
    struct snag_chunk_header *staging; /* the chunk it writes in (writer.c), NULL until its first */
    uint32_t staging_index;  /* that chunk's number in the file */
    uint64_t *hidden_end;    /* end while a lock of libunwind's is hidden (stack.c) */
    uint8_t hiding;          /* such a lock is hidden: its release is dropped (end may be NULL) */
    uintptr_t stack_low;     /* the thread's usable stack [low, high), 0 if unknown (stack.c) */
    uintptr_t stack_high;
};

extern __thread struct snag_thread_state snag_thread __attribute__((tls_model("initial-exec")));

/* Call-site table of the current process file (a static zero table while no
 * file is open, so the fast path below never tests for NULL). */
extern uint64_t *snag_site_slots;

/* The hot helpers below are inlined into every wrapper; what they call
 * (refill, site insert, spills) is the out-of-line slow path. */
#define SNAG_HOT static inline __attribute__((always_inline))

/* Slow paths. */
uint64_t *snag_writer_refill(struct snag_thread_state *thread);
uint16_t snag_site_insert(uintptr_t return_address, size_t slot);
uint64_t snag_object_spill(uint64_t address);

/* Takes `words` words at `slot` for a record if the thread's pos is still
 * `slot`, in one instruction: a signal handler that records on this thread
 * (sem_post is async-signal-safe) then runs wholly before the reservation,
 * which fails and is retried, or wholly after it, and takes the next words.
 * (A plain load and store of pos would let it write where we then write.) */
SNAG_HOT int snag_reserve(struct snag_thread_state *thread, uint64_t *slot, unsigned words)
{
#if defined(__x86_64__)
    /* no lock prefix: only this thread and its signal handlers write pos */
    unsigned char reserved;
    __asm__ volatile("cmpxchgq %3, %1" : "=@ccz"(reserved), "+m"(thread->pos), "+a"(slot) : "r"(slot + words) : "memory");
    return reserved;
#else
    return __atomic_compare_exchange_n(&thread->pos, &slot, slot + words, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
#endif
}

/* Replaces the word at `word` by `replacement` if it still holds `expected`,
 * in one instruction (see snag_reserve): a handler that took a new chunk in
 * between has changed it. */
SNAG_HOT int snag_replace_word(uint64_t *word, uint64_t expected, uint64_t replacement)
{
#if defined(__x86_64__)
    unsigned char replaced;
    __asm__ volatile("cmpxchgq %3, %1" : "=@ccz"(replaced), "+m"(*word), "+a"(expected) : "r"(replacement) : "memory");
    return replaced;
#else
    return __atomic_compare_exchange_n(word, &expected, replacement, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
#endif
}

/* `words` words reserved for a record, in a chunk with at least `room`
 * bytes left where they start (a new chunk if need be): where they go, or
 * NULL (not recorded). (Variable records are multiples of 8, so pos need
 * not be 16-aligned; pos == end == NULL means no chunk yet.) */
SNAG_HOT uint64_t *snag_reserve_room(struct snag_thread_state *thread, size_t room, unsigned words)
{
    uint64_t *slot;
    do {
        slot = thread->pos;
        if (__builtin_expect((uintptr_t)thread->end - (uintptr_t)slot < room, 0)) {
            slot = snag_writer_refill(thread);
            if (!slot) return NULL;
        }
    } while (__builtin_expect(!snag_reserve(thread, slot, words), 0));
    return slot;
}

SNAG_HOT void snag_emit(uint64_t word0, uint64_t word1)
{
    uint64_t *slot = snag_reserve_room(&snag_thread, 16, 2);
    if (!slot) return;
    slot[1] = word1;
    /* word0 last: a record torn by a crash reads as the end of the chunk. */
    __atomic_store_n(&slot[0], word0, __ATOMIC_RELEASE);
}

/* The same, stamped now: after the room is found, so that a new chunk
 * taken for it (tens of microseconds) comes before the record's time, not
 * after it. */
SNAG_HOT void snag_emit_now(uint8_t type, uint64_t word1)
{
    uint64_t *slot = snag_reserve_room(&snag_thread, 16, 2);
    if (!slot) return;
    slot[1] = word1;
    __atomic_store_n(&slot[0], (snag_now_ticks() << 8) | type, __ATOMIC_RELEASE);
}

SNAG_HOT uint16_t snag_site_id(uintptr_t return_address)
{
    size_t slot = (size_t)(((uint64_t)return_address * UINT64_C(0x9E3779B97F4A7C15)) >> 50);
    if (__builtin_expect(__atomic_load_n(&snag_site_slots[slot], __ATOMIC_RELAXED) == return_address, 1))
        return (uint16_t)(slot + 1);
    return snag_site_insert(return_address, slot);
}

/* One fixed record about an object: word1 = address | aux << 48. */
SNAG_HOT void snag_record_aux(uint8_t type, const volatile void *object, uint16_t aux)
{
    uint64_t address = (uint64_t)(uintptr_t)object;
    if (__builtin_expect(address >> SNAG_ADDRESS_BITS, 0)) address = snag_object_spill(address);
    snag_emit_now(type, address | ((uint64_t)aux << 48));
}

SNAG_HOT void snag_record(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    snag_record_aux(type, object, snag_site_id(return_address));
}

/* The slow halves of the two helpers below, out of line so that a wrapper's
 * fast path needs few registers: a full acquisition record (with the first
 * stack capture of a lock and call site), and a full release record. */
void snag_record_acquire_full(uint8_t type, const volatile void *object, uintptr_t return_address);
void snag_record_release_full(uint8_t type, const volatile void *object, uintptr_t return_address);

/* An acquisition. The same lock taken again from the same call site (a lock
 * loop) is one 8-byte word; otherwise a full record that the short ones
 * refer back to. */
SNAG_HOT void snag_record_acquire(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    struct snag_thread_state *thread = &snag_thread;
    uint64_t *slot = thread->pos;
    if (__builtin_expect(thread->acquired_type == type && thread->acquired_object == (uint64_t)(uintptr_t)object &&
                             thread->acquired_site == return_address &&
                             (uintptr_t)thread->end - (uintptr_t)slot >= 8,
                         1)) {
        uint64_t ticks = snag_now_ticks();
        if (__builtin_expect(snag_reserve(thread, slot, 1), 1)) {
            thread->after_acquire = (uintptr_t)(slot + 1) | 1;
            __atomic_store_n(&slot[0], (ticks << 8) | SNAG_REC_REACQUIRE, __ATOMIC_RELEASE);
            return;
        }
    }
    snag_record_acquire_full(type, object, return_address);
}

/* An acquisition by a successful try call: a BY_TRY word, then the
 * acquisition, in one chunk (a chunk without room for both, a SITE record
 * included, is left for a new one). Only try wrappers pay for the word. */
SNAG_HOT void snag_record_try_acquire(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    uint64_t *slot = snag_reserve_room(&snag_thread, 8 + 16 + 16, 1);
    if (!slot) return;
    __atomic_store_n(&slot[0], (snag_now_ticks() << 8) | SNAG_REC_BY_TRY, __ATOMIC_RELEASE);
    snag_record_acquire(type, object, return_address);
}

/* A release right after its own acquisition (the usual short critical
 * section) is one 8-byte word that points back to it; right after a
 * REACQUIRE word (a lock loop) it turns that word into a REACQUIRE_RELEASE
 * instead, so the loop's pair costs 8 bytes. Rewriting one aligned word is
 * crash-safe: a reader sees either the acquisition or the whole pair. */
SNAG_HOT void snag_record_release(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    struct snag_thread_state *thread = &snag_thread;
    uint64_t *slot = thread->pos;
    uintptr_t after = thread->after_acquire;
    if (__builtin_expect((after & ~(uintptr_t)1) == (uintptr_t)slot && slot &&
                             thread->acquired_object == (uint64_t)(uintptr_t)object,
                         1)) {
        uint64_t ticks = snag_now_ticks();
        if (after & 1) {
            uint64_t *pair = slot - 1;
            /* the REACQUIRE word holds its own ticks (mod 2^56, as every record) */
            uint64_t reacquire = *pair, acquired = reacquire >> 8;
            uint64_t hold = (ticks - acquired) & SNAG_TICKS_MAX;
            uint64_t offset = (acquired - thread->chunk_first_ticks) & SNAG_TICKS_MAX;
            /* A signal handler that recorded since the test above wrote after
             * the word (the pair then precedes its records, which the reader
             * allows), or took a new chunk, which changed the word: then the
             * replacement fails and the release gets a record of its own. */
            if (__builtin_expect(hold <= SNAG_PAIR_HOLD_MAX && offset <= SNAG_PAIR_OFFSET_MAX, 1) &&
                snag_replace_word(pair, reacquire, SNAG_PAIR_WORD(offset, hold))) {
                thread->after_acquire = 0;
                return;
            }
        }
        if ((uintptr_t)thread->end - (uintptr_t)slot >= 8 && snag_reserve(thread, slot, 1)) {
            thread->after_acquire = 0;
            __atomic_store_n(&slot[0], (ticks << 8) | SNAG_REC_RELEASE_PREVIOUS, __ATOMIC_RELEASE);
            return;
        }
    }
    snag_record_release_full(type, object, return_address);
}

/* The caller of the wrapper that uses it (the wrapper must be a real
 * function, not inlined into another wrapper). */
#define SNAG_CALLER() ((uintptr_t)__builtin_return_address(0))

/* A variable record (type >= 0x80): payload of `size` bytes, padded to 8.
 * Returns 0, or -1 if not recorded. */
int snag_emit_variable(uint8_t type, uint32_t word1_high, const void *payload, size_t size);
/* The same, for a payload in two parts (a fixed struct and its strings). */
int snag_emit_variable2(uint8_t type, uint32_t word1_high, const void *head, size_t head_size,
                        const void *tail, size_t tail_size);
/* The same, stamped with `ticks` (0: now) instead of the time of writing. */
int snag_emit_variable_at(uint64_t ticks, uint8_t type, uint32_t word1_high, const void *head, size_t head_size,
                          const void *tail, size_t tail_size);

/* Process lifetime (writer.c). */
int snag_writer_open_process(void); /* 0, or -1: recording stays off */
/* In a forked child: a file of its own (follow), or recording off. */
void snag_writer_after_fork_child(int follow);
void snag_writer_set_exit(uint32_t exit_kind, int32_t exit_value);
void snag_writer_clear_exit(void); /* an exec that failed */
int snag_writer_active(void);
/* The calling thread has ended (its EXIT record is written): its staging
 * chunk is copied out and kept for the next thread that starts. A record it
 * makes later (a destructor of thread-local data) takes one again. */
void snag_writer_thread_ended(void);
/* Flushes the process file to disk (fdatasync): after a finding, so that it
 * survives even the machine. Slow; never on a hot path. */
void snag_writer_sync(void);
/* The open file's wait-state table (SNAG_WAIT_TABLE_ENTRIES slots), NULL if none. */
struct snag_wait_slot *snag_writer_wait_table(void);
/* The trace directory's path, for messages ("" if none). */
const char *snag_writer_directory(void);
pid_t snag_writer_pid(void);     /* of the open file, 0 if none */

#endif
