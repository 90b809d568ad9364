/* Per-lock and per-thread statistics over a whole trace: the figures behind
 * `snag report` (acquisitions, contention, wait and hold times, call sites). */
#ifndef SNAG_LOCKSTATS_H
#define SNAG_LOCKSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "snag/reader.h"

struct snag_site_stats {
    uint64_t site;          /* return address of the acquiring call */
    uint64_t acquisitions;
    uint64_t contended;
    uint64_t wait_ns_total;
};

/* A distinct stack (snag/stacks.h, in the lock's process) that waited for a lock. */
struct snag_stack_stats {
    uint32_t stack;
    uint64_t count;          /* contended acquisitions (condvar, barrier: waits) with this stack */
};

/* One lock-like object: a mutex, rwlock, spinlock, condvar, semaphore or
 * barrier, identified by its process and address; re-initialising the
 * address after a destroy starts a new instance. */
struct snag_lock_stats {
    uint32_t process;
    uint8_t object_class;    /* enum snag_object_class */
    uint64_t address;
    uint32_t instance;       /* 0, 1, ... for successive objects at this address */
    uint64_t acquisitions;   /* successful lock calls (rwlock: read + write; sem: waits that got a token;
                                cond and barrier: completed waits) */
    uint64_t shared_acquisitions; /* rwlock read locks among them */
    uint64_t contended;      /* acquisitions that had to block first */
    uint64_t reacquisitions; /* mutex taken back by pthread_cond_*wait (not counted in acquisitions) */
    uint64_t try_busy;       /* try-operations that found it busy */
    uint64_t failures;       /* waits or releases that failed (timeouts, errors) */
    uint64_t signals;        /* cond signal/broadcast, sem post */
    uint64_t wait_ns_total, wait_ns_max;
    uint64_t hold_ns_total, hold_ns_max;
    uint64_t init_site;      /* where it was initialised, 0 if never seen */
    uint64_t first_site;     /* where it was first acquired or waited on */
    uint64_t first_ns, last_ns;
    int has_attribute;
    uint16_t attribute;      /* SNAG_OP_ATTRIBUTE value (mutex kind, sem initial value, ...) */
    struct snag_site_stats *sites;
    size_t site_count;
    struct snag_stack_stats *stacks; /* the stacks its waits were captured with, most frequent first */
    size_t stack_count;
};

enum snag_block_kind {
    SNAG_BLOCK_LOCK,    /* mutex, rwlock, spinlock */
    SNAG_BLOCK_COND,
    SNAG_BLOCK_SEM,
    SNAG_BLOCK_BARRIER,
    SNAG_BLOCK_JOIN,
    SNAG_BLOCK_KINDS
};

struct snag_thread_stats {
    uint64_t blocked_ns[SNAG_BLOCK_KINDS];
    uint64_t acquisitions;
};

struct snag_lockstats;

/* Walks every event once. NULL only when out of memory. */
struct snag_lockstats *snag_lockstats_compute(const struct snag_trace *trace);
void snag_lockstats_free(struct snag_lockstats *stats);
/* Locks sorted by wait_ns_total, then contended, then acquisitions, descending. */
size_t snag_lockstats_lock_count(const struct snag_lockstats *stats);
const struct snag_lock_stats *snag_lockstats_lock(const struct snag_lockstats *stats, size_t index);
const struct snag_thread_stats *snag_lockstats_thread(const struct snag_lockstats *stats, uint32_t thread);
const char *snag_block_kind_name(enum snag_block_kind kind);

#endif
