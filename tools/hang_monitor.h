/* snag run's hang monitor: while the program runs, it watches the wait-state
 * table of every process file in the trace and notices a process whose
 * threads have all been blocked, in waits nothing inside it can end, for
 * longer than the hang timeout (no thread of the program does this: the
 * program is left exactly as it is). */
#ifndef SNAG_TOOLS_HANG_MONITOR_H
#define SNAG_TOOLS_HANG_MONITOR_H

#include <stdint.h>

struct hang_monitor;

/* `end_hung`: kill a hung process (SIGKILL) after saying so. NULL: no memory. */
struct hang_monitor *hang_monitor_new(const char *trace_directory, uint64_t timeout_ns, int end_hung);
/* One look at every process; call it a few times a second. */
void hang_monitor_check(struct hang_monitor *monitor);
/* How many processes it ended. */
unsigned hang_monitor_ended(const struct hang_monitor *monitor);
void hang_monitor_free(struct hang_monitor *monitor);

#endif
