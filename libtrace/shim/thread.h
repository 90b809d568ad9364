/* Thread lifetimes and names (thread.c). */
#ifndef SNAG_SHIM_THREAD_H
#define SNAG_SHIM_THREAD_H

/* Records the calling thread's current name (from the kernel). */
void snag_record_thread_name_now(void);

#endif
