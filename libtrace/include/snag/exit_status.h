/* Exit statuses that snag itself gives a program or returns: shared by the
 * shim (which ends a deadlocked program) and `snag run` (which documents and
 * returns them). */
#ifndef SNAG_EXIT_STATUS_H
#define SNAG_EXIT_STATUS_H

/* The shim ended a process whose threads were all blocked, at least two of
 * them in a deadlock (SNAG_ON_DEADLOCK=exit, snag run's default). */
#define SNAG_EXIT_DEADLOCK 120
/* snag run ended a process whose threads had all been blocked for longer
 * than --hang-timeout (--on-deadlock=exit). */
#define SNAG_EXIT_HANG 121
/* snag run: the program ran, and findings of a kind named in --fail-on exist. */
#define SNAG_EXIT_FINDINGS 123

#endif
