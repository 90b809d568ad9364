/* The wait-state table and the owners of semaphores used as locks (see
 * wait_state.h). Everything here runs on slow paths: a wait that blocks, a
 * thread's first chunk or its end; only the semaphore owner updates run on
 * every sem_wait/sem_post, as a short probe of a lock-free table. */
#define _GNU_SOURCE
#include "wait_state.h"

#include <pthread.h>
#include <unistd.h>

#include "deadlock.h"
#include "stack.h"

/* How far into a table slots were ever claimed, here or in a parent before
 * fork: readers scan no further. It only grows, so it bounds every table of
 * this process, a forked child's new one included. */
static unsigned claimed_mark;

unsigned snag_wait_table_used(void)
{
    return __atomic_load_n(&claimed_mark, __ATOMIC_ACQUIRE);
}

static void mark_claimed(unsigned index)
{
    unsigned seen = __atomic_load_n(&claimed_mark, __ATOMIC_RELAXED);
    while (seen < index + 1 &&
           !__atomic_compare_exchange_n(&claimed_mark, &seen, index + 1, 1, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
    }
}

struct snag_wait_slot *snag_wait_slot_claim(struct snag_wait_slot *table, int32_t tid, uint64_t pthread_self)
{
    if (!table) return NULL;
    for (unsigned index = 0; index < SNAG_WAIT_TABLE_ENTRIES; index++) {
        struct snag_wait_slot *slot = &table[index];
        int32_t expected = 0;
        if (__atomic_load_n(&slot->tid, __ATOMIC_RELAXED) != 0 ||
            !__atomic_compare_exchange_n(&slot->tid, &expected, tid, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            continue;
        /* wait_seq keeps counting across owners: a reader that saw the old
         * thread's wait never mistakes the new one's for it */
        __atomic_store_n(&slot->pthread_self, pthread_self, __ATOMIC_RELAXED);
        __atomic_store_n(&slot->held_count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&slot->flags, 0, __ATOMIC_RELAXED);
        mark_claimed(index);
        return slot;
    }
    return NULL;
}

void snag_wait_slot_release(void)
{
    struct snag_wait_slot *slot = snag_thread.wait_slot;
    if (!slot) return;
    snag_thread.wait_slot = NULL;
    if (__atomic_load_n(&slot->wait_seq, __ATOMIC_RELAXED) & 1) __atomic_fetch_add(&slot->wait_seq, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&slot->pthread_self, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&slot->tid, 0, __ATOMIC_RELEASE);
}

static int process_shared(uint8_t object_class, const volatile void *object);

static void wait_begin(uint8_t object_class, uint8_t op, const volatile void *object, uintptr_t site, unsigned flags,
                       const volatile void *releases)
{
    uint32_t stack = snag_record_with_stack(SNAG_TYPE(object_class, op), object, site);
    struct snag_wait_slot *slot = snag_thread.wait_slot;
    if (!slot || snag_thread.in_shim) return;
    /* A wait nested in one already published (a signal handler's sem_wait)
     * would lose the outer one: keep the outer. */
    if (__atomic_load_n(&slot->wait_seq, __ATOMIC_RELAXED) & 1) return;
    slot->object = (uint64_t)(uintptr_t)object;
    slot->site = site;
    slot->since_ticks = snag_now_ticks();
    slot->object_class = object_class;
    slot->op = op;
    slot->releases = (uint64_t)(uintptr_t)releases;
    if (process_shared(object_class, object)) flags |= SNAG_WAIT_PROCESS_SHARED;
    slot->flags = (uint8_t)flags;
    slot->stack = stack;
    /* odd: blocked. Sequentially consistent: it publishes the fields above,
     * and deadlock.c relies on it being ordered before reading `deadlocked`. */
    __atomic_fetch_add(&slot->wait_seq, 1, __ATOMIC_SEQ_CST);
    snag_deadlock_on_wait(slot);
}

void snag_wait_begin(uint8_t object_class, uint8_t op, const volatile void *object, uintptr_t site, unsigned flags)
{
    wait_begin(object_class, op, object, site, flags, NULL);
}

void snag_wait_begin_releasing(uint8_t object_class, const volatile void *object, uintptr_t site, unsigned flags,
                               const volatile void *mutex)
{
    wait_begin(object_class, SNAG_OP_WAIT, object, site, flags, mutex);
}

void snag_wait_end(void)
{
    struct snag_wait_slot *slot = snag_thread.wait_slot;
    if (!slot) return;
    if (__atomic_load_n(&slot->wait_seq, __ATOMIC_RELAXED) & 1) __atomic_fetch_add(&slot->wait_seq, 1, __ATOMIC_RELEASE);
}

/* ---- semaphores: used as locks, or shared between processes ----
 * Open addressing by address; entries are never removed (a destroyed
 * semaphore's entry is reused when a new one is registered at its address),
 * so a lookup stops at the first empty entry. A full table tracks no more. */
#define SEM_PROBES 16u
#define NOT_A_LOCK SNAG_SEM_NOT_A_LOCK

struct snag_sem_entry snag_sems[SNAG_SEM_ENTRIES];

static struct snag_sem_entry *sem_find(const void *sem, int insert)
{
    uint64_t address = (uint64_t)(uintptr_t)sem;
    unsigned start = snag_sem_hash(address);
    for (unsigned probe = 0; probe < SEM_PROBES; probe++) {
        struct snag_sem_entry *entry = &snag_sems[(start + probe) & (SNAG_SEM_ENTRIES - 1)];
        uint64_t seen = __atomic_load_n(&entry->address, __ATOMIC_ACQUIRE);
        if (seen == address) return entry;
        if (seen != 0) continue;
        if (!insert) return NULL;
        uint64_t expected = 0;
        if (__atomic_compare_exchange_n(&entry->address, &expected, address, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE) ||
            expected == address)
            return entry;
    }
    return NULL;
}

void snag_sem_initialised(const void *sem, unsigned value, int shared)
{
    /* an entry already there (an earlier semaphore at this address) is overwritten either way */
    struct snag_sem_entry *entry = sem_find(sem, value == 1 || shared);
    if (!entry) return;
    __atomic_store_n(&entry->shared, shared != 0, __ATOMIC_RELAXED);
    __atomic_store_n(&entry->owner, value == 1 ? 0 : NOT_A_LOCK, __ATOMIC_RELEASE);
}

void snag_sem_lock_set_owner_slow(const void *sem, int32_t tid)
{
    struct snag_sem_entry *entry = sem_find(sem, 0);
    if (entry && __atomic_load_n(&entry->owner, __ATOMIC_RELAXED) != NOT_A_LOCK)
        __atomic_store_n(&entry->owner, tid, __ATOMIC_RELEASE);
}

int32_t snag_sem_lock_owner(const void *sem)
{
    struct snag_sem_entry *entry = sem_find(sem, 0);
    return entry ? __atomic_load_n(&entry->owner, __ATOMIC_ACQUIRE) : NOT_A_LOCK;
}

/* Can another process end a wait on it? From glibc's public structs where
 * they say (a mutex's kind bit, a condvar's __wrefs bit 0, an rwlock's
 * __shared), from sem_init/sem_open for semaphores; barriers keep it to
 * themselves and count as private. */
static int process_shared(uint8_t object_class, const volatile void *object)
{
    switch (object_class) {
    case SNAG_CLASS_MUTEX: return (((const volatile pthread_mutex_t *)object)->__data.__kind & 128) != 0;
    case SNAG_CLASS_COND: return (((const volatile pthread_cond_t *)object)->__data.__wrefs & 1) != 0;
    case SNAG_CLASS_RWLOCK: return ((const volatile pthread_rwlock_t *)object)->__data.__shared != 0;
    case SNAG_CLASS_SEM: {
        struct snag_sem_entry *entry = sem_find((const void *)object, 0);
        return entry && __atomic_load_n(&entry->shared, __ATOMIC_RELAXED);
    }
    default: return 0;
    }
}
