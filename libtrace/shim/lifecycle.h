/* Start of recording in a process (lifecycle.c). */
#ifndef SNAG_SHIM_LIFECYCLE_H
#define SNAG_SHIM_LIFECYCLE_H

#include <stdint.h>

/* Idempotent; argv may be NULL (then it is read from /proc/self/cmdline). */
void snag_start(int argc, char **argv);
/* Whether snag_start ran (or runs): if recording is off after that, it stays
 * off, and records are dropped at once. */
int snag_start_tried(void);
/* A forked child's set-up: the atfork handler, or _Fork's wrapper. */
void snag_after_fork_child(void);
/* When the calling thread's last fork happened (its prepare handler ran). */
uint64_t snag_fork_ticks(void);

#endif
