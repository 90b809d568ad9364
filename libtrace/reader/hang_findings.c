/* hang findings (see snag/findings.h): a process that ended killed (or is
 * still running) while every one of its threads had been blocked, in waits
 * nothing inside the process could end, for at least the hang timeout. What
 * each thread waited on comes from the wait-state table the process left
 * (thread at_end); who last signalled or posted each condvar or semaphore,
 * from the events. */
#include <stdbool.h>
#include <stdlib.h>

#include "findings_build.h"

#define DEFAULT_HANG_TIMEOUT_NS 3000000000ull /* snag run's default */

/* The last SIGNAL/BROADCAST (condvar) or post (semaphore) of each waited-on
 * object of the process, for the threads of `finding`. */
static int find_signallers(const struct snag_trace *trace, struct snag_finding *finding)
{
    struct snag_event_cursor *cursor = snag_events_all(trace);
    if (!cursor) return -1;
    struct snag_event event;
    while (snag_event_next(cursor, &event)) {
        if (event.process != finding->process) continue;
        bool signal = (event.object_class == SNAG_CLASS_COND &&
                       (event.op == SNAG_OP_SIGNAL || event.op == SNAG_OP_BROADCAST)) ||
                      (event.object_class == SNAG_CLASS_SEM && event.op == SNAG_OP_RELEASE);
        if (!signal) continue;
        for (size_t index = 0; index < finding->thread_count; index++) {
            struct snag_finding_thread *thread = &finding->threads[index];
            const struct snag_finding_lock *lock = &finding->locks[thread->wants];
            if (lock->address != event.object || lock->object_class != event.object_class) continue;
            thread->signalled_by = event.thread;
            thread->signalled_at = event.site;
            thread->signalled_ns = event.time_ns;
        }
    }
    snag_event_cursor_free(cursor);
    return 0;
}

static int check_process(struct snag_findings *findings, const struct snag_trace *trace,
                         const struct snag_process_info *process, uint64_t timeout_ns)
{
    /* Ended on its own (exit status, exec): whatever was parked then did not hang it. */
    if (process->exit_kind == SNAG_EXIT_STATUS || process->exit_kind == SNAG_EXIT_EXEC) return 0;
    uint64_t newest_wait = 0;
    size_t live = 0;
    for (uint32_t index = 0; index < process->thread_count; index++) {
        const struct snag_thread_info *thread = snag_trace_thread(trace, process->first_thread + index);
        if (thread->exit_how >= 0) continue; /* it ended before the process */
        if (!thread->at_end.blocked || thread->at_end.timed || thread->at_end.process_shared) return 0;
        if (thread->at_end.since_ns > newest_wait) newest_wait = thread->at_end.since_ns;
        live++;
    }
    if (live == 0 || process->end_ns < newest_wait || process->end_ns - newest_wait < timeout_ns) return 0;
    struct snag_finding *finding =
        findings_add(findings, "hang", "all_threads_blocked", SNAG_SEVERITY_HIGH, process->index, newest_wait);
    if (!finding) return -1;
    for (uint32_t index = 0; index < process->thread_count; index++) {
        const struct snag_thread_info *info = snag_trace_thread(trace, process->first_thread + index);
        if (info->exit_how >= 0) continue;
        struct snag_finding_lock waited = {process->index, info->at_end.object_class, info->at_end.object, 0};
        uint32_t wants = finding_add_lock(finding, &waited);
        struct snag_finding_thread *thread = finding_add_thread(finding, info->index, "waiter");
        if (wants == SNAG_NO_INDEX || !thread) return -1;
        thread->wants = wants;
        thread->waits_at = info->at_end.site;
        thread->waits_stack = info->at_end.stack;
        thread->since_ns = info->at_end.since_ns;
    }
    if (find_signallers(trace, finding)) return -1;
    /* A condvar or semaphore signalled only before its waiter began to wait:
     * the wake-up was lost. */
    for (size_t index = 0; index < finding->thread_count; index++) {
        const struct snag_finding_thread *thread = &finding->threads[index];
        if (thread->signalled_by != SNAG_NO_INDEX && thread->signalled_ns <= thread->since_ns)
            finding->subkind = "lost_wakeup";
    }
    return 0;
}

int findings_hangs(struct snag_findings *findings, const struct snag_trace *trace)
{
    uint64_t timeout_ns = snag_trace_hang_timeout_ns(trace);
    if (timeout_ns == 0) timeout_ns = DEFAULT_HANG_TIMEOUT_NS;
    for (size_t index = 0; index < snag_trace_process_count(trace); index++)
        if (check_process(findings, trace, snag_trace_process(trace, index), timeout_ns)) return -1;
    return 0;
}
