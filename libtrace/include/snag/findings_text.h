/* Findings in words: the one sentence that says what a finding found, with
 * its threads, locks and places named. Report (text and JSON), export and
 * viewer all show findings through it. */
#ifndef SNAG_FINDINGS_TEXT_H
#define SNAG_FINDINGS_TEXT_H

#include <stddef.h>

#include "snag/findings.h"
#include "snag/lockstats.h"
#include "snag/names.h"

/* A finding's lock as snag_names_lock_label names it (its statistics give
 * where it was made), else "mutex at 0x..." (also when stats is NULL). Sanitised. */
const char *snag_finding_lock_label(struct snag_names *names, const struct snag_lockstats *stats,
                                    const struct snag_finding_lock *lock, char *out, size_t size);
/* The message of a finding: one sentence, sanitised for display. */
const char *snag_finding_message(const struct snag_trace *trace, const struct snag_lockstats *stats,
                                 struct snag_names *names, const struct snag_finding *finding, char *out,
                                 size_t size);

#endif
