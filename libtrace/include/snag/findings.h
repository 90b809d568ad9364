/* Findings: problems the trace proves or points at, computed offline from
 * the events. Each has a kind (and subkind), a severity, where and when it
 * happened, and the threads and locks involved; the report and export turn
 * them into words with the names module.
 *
 * Kinds computed now:
 *   fork_hazard / lock_held_at_fork: a process forked while another of its
 *     threads held a lock. The child inherits the lock held, with no thread
 *     to release it. Severity high when the child then blocked on that lock
 *     and never got it; low when it did not (a latent hazard). One finding
 *     per (process, lock), counting every fork that met it.
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

struct snag_finding {
    const char *kind;         /* "fork_hazard" */
    const char *subkind;      /* "lock_held_at_fork" */
    int severity;             /* enum snag_finding_severity */
    uint32_t process;         /* the process it is about (the parent that forked) */
    uint64_t time_ns;         /* when it first happened */
    uint32_t thread;          /* the thread that acted (forked) */
    uint32_t occurrences;     /* how many times (forks) it happened */
    /* the lock, and the thread that held it */
    uint8_t lock_class;       /* enum snag_object_class */
    uint64_t lock_address;
    uint32_t holder_thread;
    uint64_t holder_site;     /* where the holder took it */
    uint32_t holder_stack;    /* the holder's acquisition stack (snag/stacks.h, in `process`), 0 if not captured */
    /* the consequence, if it bit: the child and its thread stuck on the lock */
    uint32_t child_process;   /* SNAG_NO_INDEX if none */
    uint32_t blocked_thread;  /* SNAG_NO_INDEX if none */
    uint64_t blocked_site;    /* where it waits */
    uint32_t blocked_stack;   /* its wait's stack (in child_process), 0 if not captured */
};

struct snag_findings;
/* NULL only when out of memory. */
struct snag_findings *snag_findings_compute(const struct snag_trace *trace);
void snag_findings_free(struct snag_findings *findings);
size_t snag_findings_count(const struct snag_findings *findings);
/* Most severe first, then in time order. */
const struct snag_finding *snag_finding(const struct snag_findings *findings, size_t index);
const char *snag_severity_name(int severity); /* "low", "high" */

#endif
