/* What each thread is blocked on, and who holds what, right now: the
 * process file's wait-state table (format.h, struct snag_wait_slot), kept
 * up to date on slow paths, read by the deadlock detector (deadlock.c) and,
 * from outside, by `snag run`'s hang monitor. */
#ifndef SNAG_SHIM_WAIT_STATE_H
#define SNAG_SHIM_WAIT_STATE_H

#include <stdint.h>

#include "writer.h"

/* A free slot of `table` for a new thread, or NULL (no table, table full). */
struct snag_wait_slot *snag_wait_slot_claim(struct snag_wait_slot *table, int32_t tid, uint64_t pthread_self);
/* Slots a reader of the table needs to look at: none above ever was claimed. */
unsigned snag_wait_table_used(void);
/* The calling thread ends: its slot is free again. */
void snag_wait_slot_release(void);

/* The calling thread is about to block on `object`: record its WAIT (or
 * WAIT_SHARED, by `op`) with its stack, publish it in the thread's slot, and
 * for a lock-like wait look for a deadlock cycle that this wait closes.
 * `flags` are enum snag_wait_flags. */
void snag_wait_begin(uint8_t object_class, uint8_t op, const volatile void *object, uintptr_t site, unsigned flags);
/* The same for a condition wait, which gives up `mutex` inside the call. */
void snag_wait_begin_releasing(uint8_t object_class, const volatile void *object, uintptr_t site, unsigned flags,
                               const volatile void *mutex);
/* The wait ended, however (acquired, failed, timed out, cancelled). */
void snag_wait_end(void);

/* Spinlocks and rwlock read locks do not say who holds them: the holders
 * list them in their own slot. Two stores; nothing when the thread has no slot. */
SNAG_HOT void snag_held_add(const volatile void *object)
{
    struct snag_wait_slot *slot = snag_thread.wait_slot;
    if (!slot) return;
    uint8_t count = slot->held_count;
    if (count >= SNAG_WAIT_HELD_MAX) {
        slot->held_count = SNAG_WAIT_HELD_OVERFLOW;
        return;
    }
    __atomic_store_n(&slot->held[count], (uint64_t)(uintptr_t)object, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->held_count, (uint8_t)(count + 1), __ATOMIC_RELEASE);
}

/* 1 if the calling thread listed `object` (and no longer does), else 0. */
SNAG_HOT int snag_held_remove(const volatile void *object)
{
    struct snag_wait_slot *slot = snag_thread.wait_slot;
    if (!slot) return 0;
    uint8_t count = slot->held_count;
    if (count == SNAG_WAIT_HELD_OVERFLOW) return 0; /* incomplete for good: the detector leaves these out */
    for (uint8_t index = count; index-- > 0;) {
        if (slot->held[index] != (uint64_t)(uintptr_t)object) continue;
        __atomic_store_n(&slot->held[index], slot->held[count - 1], __ATOMIC_RELAXED);
        __atomic_store_n(&slot->held_count, (uint8_t)(count - 1), __ATOMIC_RELEASE);
        return 1;
    }
    return 0;
}

/* Semaphores initialised to 1 are locks (CPython's threading.Lock is one):
 * their owner is the thread that took the token last, until it is posted.
 * Process-shared ones (sem_init's pshared, every sem_open) may be posted by
 * another process: a wait on one is never a hang. */
void snag_sem_initialised(const void *sem, unsigned value, int shared);
/* The table behind them: open addressing by address (wait_state.c). */
#define SNAG_SEM_ENTRIES 8192u
#define SNAG_SEM_NOT_A_LOCK (-1)
struct snag_sem_entry {
    uint64_t address;
    int32_t owner;  /* tid of the last acquirer, 0 if posted since; SNAG_SEM_NOT_A_LOCK unless initialised to 1 */
    int32_t shared; /* process-shared: another process may post it */
};
extern struct snag_sem_entry snag_sems[SNAG_SEM_ENTRIES];

static inline unsigned snag_sem_hash(uint64_t address)
{
    return (unsigned)((address * UINT64_C(0x9E3779B97F4A7C15)) >> 51); /* 13 bits */
}

void snag_sem_lock_set_owner_slow(const void *sem, int32_t tid);

/* The acquirer (tid) or 0 after a post; nothing for other semaphores. On
 * every sem_wait and sem_post: the first probe inline, the rest out of line. */
SNAG_HOT void snag_sem_lock_set_owner(const void *sem, int32_t tid)
{
    uint64_t address = (uint64_t)(uintptr_t)sem;
    struct snag_sem_entry *entry = &snag_sems[snag_sem_hash(address)];
    uint64_t seen = __atomic_load_n(&entry->address, __ATOMIC_ACQUIRE);
    if (seen == 0) return; /* not registered: not a lock */
    if (seen != address) {
        snag_sem_lock_set_owner_slow(sem, tid);
        return;
    }
    if (__atomic_load_n(&entry->owner, __ATOMIC_RELAXED) != SNAG_SEM_NOT_A_LOCK)
        __atomic_store_n(&entry->owner, tid, __ATOMIC_RELEASE);
}
/* Owner of a semaphore used as a lock: its tid, 0 if free, -1 if `sem` is not one. */
int32_t snag_sem_lock_owner(const void *sem);

#endif
