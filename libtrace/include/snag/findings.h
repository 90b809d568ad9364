/* Findings: problems the trace proves or points at, computed offline from
 * the events by several analyses into one list. Each finding has a kind
 * (and subkind), a severity, the process and time it is about, and two
 * lists: the threads involved, each with its role, the lock it holds and the
 * lock it wants and where; and those locks. snag/findings_text.h turns a
 * finding into its one-sentence message.
 *
 * Kinds:
 *   fork_hazard / lock_held_at_fork: a process forked while another of its
 *     threads held a lock. The child inherits the lock held, with no thread
 *     to release it. Severity high when the child then blocked on that lock
 *     and never got it; low when it did not (a latent hazard). One finding
 *     per (process, lock), counting every fork that met it. Threads:
 *     "forker" (threads[0]), "holder" (holds the lock), and "waiter" (a
 *     child's thread that wants it for good) when it bit.
 */
#ifndef SNAG_FINDINGS_H
#define SNAG_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "snag/reader.h"

enum snag_finding_severity {
    SNAG_SEVERITY_LOW = 1,  /* a hazard: it did not bite in this run */
    SNAG_SEVERITY_HIGH = 2, /* it happened: a thread is stuck because of it */
};

/* A lock a finding is about. `instance` tells apart successive objects at
 * one address (as snag_lock_stats.instance: +1 per re-initialisation). */
struct snag_finding_lock {
    uint32_t process;
    uint8_t object_class; /* enum snag_object_class */
    uint64_t address;
    uint32_t instance;
};

/* A thread a finding is about, and its part in it. Lock fields index the
 * finding's locks; sites are call-site return addresses (0 if unknown) in
 * the thread's own process; stacks are ids from snag_event.stack (0 if none
 * was captured). */
struct snag_finding_thread {
    uint32_t thread;       /* trace-wide thread index */
    const char *role;      /* "forker", "holder", "waiter", "first", "second", ... (per kind) */
    uint32_t holds;        /* the lock it holds, SNAG_NO_INDEX if none */
    uint32_t wants;        /* the lock it waits for or took next, SNAG_NO_INDEX if none */
    uint64_t held_at;      /* where it took `holds` */
    uint32_t held_stack;
    uint64_t waits_at;     /* where it waits for (or took) `wants` */
    uint32_t waits_stack;
    uint64_t acted_at;     /* where it did what the finding is about (unlocked, destroyed), 0 if no site */
    uint32_t acted_stack;
    uint64_t since_ns;     /* since when: it waits for `wants`, or, with none, it holds `holds` */
    /* For a wait on a condvar or semaphore: who last signalled or posted it. */
    uint32_t signalled_by; /* thread index, SNAG_NO_INDEX if nobody did */
    uint64_t signalled_at; /* site */
    uint64_t signalled_ns;
};

struct snag_finding {
    const char *kind;         /* "fork_hazard", ... */
    const char *subkind;      /* "lock_held_at_fork", ... */
    int severity;             /* enum snag_finding_severity */
    uint32_t process;         /* the process it is about (fork_hazard: the parent that forked) */
    uint64_t time_ns;         /* when it first happened */
    uint32_t occurrences;     /* how many times it happened */
    uint32_t child_process;   /* fork_hazard: the forked child; SNAG_NO_INDEX if none */
    /* threads[0] is the thread that acted: where export and viewer place the finding. */
    struct snag_finding_thread *threads;
    size_t thread_count;
    struct snag_finding_lock *locks;
    size_t lock_count;
};

struct snag_findings;
/* Runs every analysis. NULL only when out of memory. */
struct snag_findings *snag_findings_compute(const struct snag_trace *trace);
void snag_findings_free(struct snag_findings *findings);
size_t snag_findings_count(const struct snag_findings *findings);
/* Most severe first, then in time order. */
const struct snag_finding *snag_finding(const struct snag_findings *findings, size_t index);
const char *snag_severity_name(int severity); /* "low", "high" */

/* One stack a finding shows: where one of its threads took the lock it
 * holds, or where it waits for (or took) the lock it wants. */
struct snag_finding_stack {
    const struct snag_finding_thread *thread;
    uint32_t process;  /* the thread's: the stack id is one of its process */
    uint32_t stack;    /* never 0 */
    uint32_t lock;     /* index into the finding's locks, SNAG_NO_INDEX if none */
    const char *what;  /* "holds" (held_stack) or "wants" (waits_stack) */
};
/* The finding's captured stacks, the ones report and viewer show under it:
 * its threads in order, each one's "holds" before its "wants", those with
 * no stack left out. Fills at most `room` and returns how many it filled. */
size_t snag_finding_stacks(const struct snag_trace *trace, const struct snag_finding *finding,
                           struct snag_finding_stack *out, size_t room);

#endif
