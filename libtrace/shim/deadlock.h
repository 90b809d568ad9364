/* Online deadlock detection (deadlock.c): when a thread is about to block on
 * a lock, follow "waits for the lock held by" through the other threads'
 * wait slots; a path back to the thread is a deadlock, reported the moment
 * it forms. */
#ifndef SNAG_SHIM_DEADLOCK_H
#define SNAG_SHIM_DEADLOCK_H

#include "snag/format.h"

/* The calling thread has just published `slot`'s wait. */
void snag_deadlock_on_wait(struct snag_wait_slot *slot);
/* A forked child starts with no deadlock, nothing pending, nobody reporting. */
void snag_deadlock_after_fork_child(void);

#endif
