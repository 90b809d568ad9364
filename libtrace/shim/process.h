/* Processes: fork, exec, spawn and wait (process.c). */
#ifndef SNAG_SHIM_PROCESS_H
#define SNAG_SHIM_PROCESS_H

/* Saves snag's variables and the shim's path, before the program can
 * change its environment, to put them back into every exec. */
void snag_process_capture_environment(void);
/* 0 under `snag run --no-follow`: only the first process records. */
int snag_process_following(void);
/* --no-follow: take snag out of this process's environment, so that the
 * processes it starts are not traced. */
void snag_process_stop_following_children(void);

#endif
