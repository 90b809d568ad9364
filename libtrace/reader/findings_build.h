/* Building the findings list (internal to the reader): each analysis adds
 * its findings through these functions, and snag_findings_compute() runs
 * the analyses in turn. */
#ifndef SNAG_FINDINGS_BUILD_H
#define SNAG_FINDINGS_BUILD_H

#include <stdbool.h>

#include "snag/findings.h"

/* A new finding, its lists empty, child_process SNAG_NO_INDEX, occurrences 1.
 * NULL when out of memory. The pointer (and any from findings_at) is valid
 * until the next findings_add. */
struct snag_finding *findings_add(struct snag_findings *findings, const char *kind, const char *subkind,
                                  int severity, uint32_t process, uint64_t time_ns);
/* The index-th finding added so far, for an analysis that merges repeats. */
struct snag_finding *findings_at(struct snag_findings *findings, size_t index);

bool finding_lock_same(const struct snag_finding_lock *left, const struct snag_finding_lock *right);
/* The index of the lock in the finding's locks, added if it is not there
 * yet; SNAG_NO_INDEX when out of memory. */
uint32_t finding_add_lock(struct snag_finding *finding, const struct snag_finding_lock *lock);
/* A new thread entry with that role, holding and wanting nothing, nobody
 * signalling; NULL when out of memory. Valid until the next finding_add_thread
 * on this finding. */
struct snag_finding_thread *finding_add_thread(struct snag_finding *finding, uint32_t thread, const char *role);

/* The analyses, each in its own file. Each returns 0, or -1 when out of memory. */
int findings_fork_hazards(struct snag_findings *findings, const struct snag_trace *trace); /* fork_hazard.c */
int findings_deadlocks(struct snag_findings *findings, const struct snag_trace *trace);   /* deadlock_findings.c */
int findings_hangs(struct snag_findings *findings, const struct snag_trace *trace);       /* hang_findings.c */
int findings_lock_order(struct snag_findings *findings, const struct snag_trace *trace);   /* lockorder.c */
int findings_misuse(struct snag_findings *findings, const struct snag_trace *trace);       /* misuse.c */

#endif
