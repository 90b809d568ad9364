/* snag report: what a trace says, as text for people or JSON for programs. */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "report_opencl.h"
#include "snag/findings.h"
#include "snag/findings_text.h"
#include "snag/lockstats.h"
#include "snag/names.h"
#include "snag/text.h"
#include "stack_output.h"

#define DEFAULT_LOCK_ROWS 20
#define SITES_PER_LOCK 5
#define STACKS_PER_LOCK 2 /* the most frequent stacks of its waits */
#define FRAMES_PER_STACK 4

static const char *lock_type_name(uint8_t object_class)
{
    return snag_class_name(object_class);
}

/* Locks are what threads contend for; condvars and barriers are what they
 * wait on by design (an idle worker's wait is not contention). */
static int is_lock(const struct snag_lock_stats *lock)
{
    return lock->object_class != SNAG_CLASS_COND && lock->object_class != SNAG_CLASS_BARRIER;
}

static void print_exit(FILE *out, const struct snag_process_info *process)
{
    switch (process->exit_kind) {
    case SNAG_EXIT_STATUS: fprintf(out, "exit %d", process->exit_value); break;
    case SNAG_EXIT_SIGNAL: fprintf(out, "killed by signal %d (%s)", process->exit_value, strsignal(process->exit_value)); break;
    case SNAG_EXIT_EXEC: fprintf(out, "replaced by exec"); break;
    default: fprintf(out, "end unknown (killed, or still running)"); break;
    }
}

static void print_command_line(FILE *out, const struct snag_process_info *process)
{
    char safe[512];
    for (uint32_t index = 0; index < process->argc && index < 16; index++)
        fprintf(out, "%s%s", index ? " " : "", snag_text_sanitize(process->argv[index], safe, sizeof safe));
    if (process->argc > 16) fprintf(out, " ...");
    if (process->argc == 0) fprintf(out, "%s", snag_text_sanitize(process->exe, safe, sizeof safe));
}

static void print_lock_row(FILE *out, const struct snag_trace *trace, const struct snag_lock_stats *lock,
                           struct snag_names *names)
{
    char label[512], wait[32], wait_max[32], hold[32], hold_max[32];
    snag_names_lock_label(names, lock, label, sizeof label);
    /* a label too long for its column gets a line of its own */
    int fits = strlen(label) <= 36;
    if (!fits) fprintf(out, "  %-8s %s\n", lock_type_name(lock->object_class), label);
    fprintf(out, "  %-8s %-36s %10" PRIu64 " %10" PRIu64 " %10s %10s %10s %10s\n",
            fits ? lock_type_name(lock->object_class) : "", fits ? label : "", lock->acquisitions, lock->contended, snag_text_duration(lock->wait_ns_total, wait, sizeof wait),
            snag_text_duration(lock->wait_ns_max, wait_max, sizeof wait_max),
            snag_text_duration(lock->hold_ns_total, hold, sizeof hold),
            snag_text_duration(lock->hold_ns_max, hold_max, sizeof hold_max));
    if (lock->reacquisitions || lock->try_busy || lock->failures || lock->signals) {
        fprintf(out, "          ");
        if (lock->reacquisitions) fprintf(out, " %" PRIu64 " re-locks by condvar waits;", lock->reacquisitions);
        if (lock->try_busy) fprintf(out, " %" PRIu64 " try-calls found it busy;", lock->try_busy);
        if (lock->failures) fprintf(out, " %" PRIu64 " calls failed or timed out;", lock->failures);
        if (lock->signals)
            fprintf(out, " %" PRIu64 " %s;", lock->signals,
                    lock->object_class == SNAG_CLASS_SEM ? "posts" : "signals/broadcasts");
        fprintf(out, "\n");
    }
    for (size_t site = 0; site < lock->site_count && site < SITES_PER_LOCK; site++) {
        const struct snag_site_stats *entry = &lock->sites[site];
        char where[768], waited[32];
        snag_names_site_text(names, lock->process, entry->site, where, sizeof where);
        if (strlen(where) > 33) fprintf(out, "           at %s\n%48s", where, "");
        else fprintf(out, "           at %-33s ", where);
        fprintf(out, "%10" PRIu64 " %10" PRIu64 " %10s\n", entry->acquisitions, entry->contended,
                snag_text_duration(entry->wait_ns_total, waited, sizeof waited));
    }
    if (lock->site_count > SITES_PER_LOCK)
        fprintf(out, "           ... and %zu more call sites\n", lock->site_count - SITES_PER_LOCK);
    for (size_t stack = 0; stack < lock->stack_count && stack < STACKS_PER_LOCK; stack++) {
        fprintf(out, "           waited %" PRIu64 " time%s from:\n", lock->stacks[stack].count,
                lock->stacks[stack].count == 1 ? "" : "s");
        print_stack(out, names, lock->process, lock->stacks[stack].stack, "             ", FRAMES_PER_STACK);
    }
    if (lock->stack_count > STACKS_PER_LOCK)
        fprintf(out, "           ... and %zu more stacks (--json lists them)\n", lock->stack_count - STACKS_PER_LOCK);
}

/* One table for locks, one for condvars and barriers, each most
 * waited-for first, with the call sites under each row; with several
 * processes, a part per process that used any. */
static void print_objects(FILE *out, const struct snag_trace *trace, const struct snag_lockstats *stats,
                          struct snag_names *names, size_t rows, int locks)
{
    size_t count = 0, processes_with_objects = 0;
    size_t process_count = snag_trace_process_count(trace);
    size_t *per_process = calloc(process_count ? process_count : 1, sizeof *per_process);
    if (!per_process) return;
    for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++) {
        const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
        if (is_lock(lock) != locks) continue;
        count++;
        if (per_process[lock->process]++ == 0) processes_with_objects++;
    }
    if (locks)
        fprintf(out, "\nLocks by total wait time (%zu mutexes, rwlocks, spinlocks and semaphores", count);
    else fprintf(out, "\nCondition variables and barriers by total wait time (%zu", count);
    if (processes_with_objects > 1) fprintf(out, " in %zu processes", processes_with_objects);
    fprintf(out, ")\n");
    if (count == 0) fprintf(out, "  (none used)\n");
    else
        fprintf(out, "  %-8s %-36s %10s %10s %10s %10s %10s %10s\n", "TYPE", locks ? "LOCK" : "OBJECT",
                locks ? "ACQUIRED" : "WAITS", "CONTENDED", "WAIT", "WAIT MAX", "HOLD", "HOLD MAX");
    for (size_t process = 0; process < process_count; process++) {
        if (!per_process[process]) continue;
        if (processes_with_objects > 1) {
            const struct snag_process_info *info = snag_trace_process(trace, process);
            char command[256];
            fprintf(out, "  process %d (%s):\n", info->pid,
                    snag_text_sanitize(info->argc ? info->argv[0] : info->exe, command, sizeof command));
        }
        size_t shown = 0;
        for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++) {
            const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
            if (is_lock(lock) != locks || lock->process != process) continue;
            if (shown++ == rows) {
                fprintf(out, "  ... and %zu more (--all lists them)\n", per_process[process] - rows);
                break;
            }
            print_lock_row(out, trace, lock, names);
        }
    }
    free(per_process);
}

static void print_threads(FILE *out, const struct snag_trace *trace, const struct snag_lockstats *stats)
{
    fprintf(out, "\nThreads\n  %-8s %-7s %-16s %12s %10s  %s\n", "PID", "TID", "NAME", "LIFETIME", "ACQUIRED",
            "BLOCKED IN (lock / cond / sem / barrier / join)");
    for (size_t index = 0; index < snag_trace_thread_count(trace); index++) {
        const struct snag_thread_info *thread = snag_trace_thread(trace, index);
        const struct snag_thread_stats *figures = snag_lockstats_thread(stats, (uint32_t)index);
        char name[64], life[32], blocked[SNAG_BLOCK_KINDS][32];
        snag_text_sanitize(thread->name, name, sizeof name);
        fprintf(out, "  %-8d %-7d %-16s %12s %10" PRIu64 "  ", snag_trace_process(trace, thread->process)->pid,
                thread->tid, name, snag_text_duration(thread->end_ns - thread->start_ns, life, sizeof life),
                figures->acquisitions);
        for (int kind = 0; kind < SNAG_BLOCK_KINDS; kind++)
            fprintf(out, "%s%s", kind ? " / " : "",
                    snag_text_duration(figures->blocked_ns[kind], blocked[kind], sizeof blocked[kind]));
        fprintf(out, "\n");
    }
}

/* ---- the process tree: one node per process, its exec chain joined ---- */

struct process_node {
    size_t first, last; /* first and last image (process index) of the chain */
    size_t parent;      /* node index, SIZE_MAX for a root */
};

/* The images of one pid that an exec chain links (each replaced by the next). */
static size_t chain_of(const struct snag_trace *trace, size_t image, const size_t *node_of)
{
    const struct snag_process_info *process = snag_trace_process(trace, image);
    return process->exec_from == SNAG_NO_INDEX ? SIZE_MAX : node_of[process->exec_from];
}

static void print_node(FILE *out, const struct snag_trace *trace, const struct process_node *nodes, size_t count,
                       size_t node, int depth, size_t *printed, size_t rows)
{
    if (*printed >= rows) return;
    (*printed)++;
    const struct process_node *self = &nodes[node];
    const struct snag_process_info *last = snag_trace_process(trace, self->last);
    fprintf(out, "  %*s%d ", 2 * (depth < 12 ? depth : 12), "", last->pid);
    for (size_t image = self->first; image <= self->last; image++) {
        const struct snag_process_info *process = snag_trace_process(trace, image);
        if (process->pid != last->pid || (image != self->first && process->forked)) continue;
        if (image != self->first) fprintf(out, " -> ");
        print_command_line(out, process);
        if (image == self->last) break;
    }
    char lifetime[32];
    const struct snag_process_info *first = snag_trace_process(trace, self->first);
    fprintf(out, "  [");
    print_exit(out, last);
    fprintf(out, ", %s, %u thread%s", snag_text_duration(last->end_ns - first->start_ns, lifetime, sizeof lifetime),
            last->thread_count, last->thread_count == 1 ? "" : "s");
    if (last->dropped_records) fprintf(out, ", %" PRIu64 " records lost", last->dropped_records);
    fprintf(out, "]\n");
    for (size_t child = node + 1; child < count; child++)
        if (nodes[child].parent == node) print_node(out, trace, nodes, count, child, depth + 1, printed, rows);
}

static void print_process_tree(FILE *out, const struct snag_trace *trace, size_t rows)
{
    size_t images = snag_trace_process_count(trace), count = 0;
    struct process_node *nodes = calloc(images, sizeof *nodes);
    size_t *node_of = calloc(images, sizeof *node_of);
    if (!nodes || !node_of) {
        free(nodes);
        free(node_of);
        return;
    }
    for (size_t image = 0; image < images; image++) {
        size_t chain = chain_of(trace, image, node_of);
        if (chain != SIZE_MAX) {
            nodes[chain].last = image;
            node_of[image] = chain;
            continue;
        }
        const struct snag_process_info *process = snag_trace_process(trace, image);
        nodes[count] = (struct process_node){image, image,
                                             process->parent == SNAG_NO_INDEX ? SIZE_MAX : node_of[process->parent]};
        node_of[image] = count++;
    }
    fprintf(out, "\nProcesses (%zu; an exec chain on one line, joined by ->)\n", count);
    size_t printed = 0;
    for (size_t node = 0; node < count; node++)
        if (nodes[node].parent == SIZE_MAX) print_node(out, trace, nodes, count, node, 0, &printed, rows);
    if (printed < count) fprintf(out, "  ... and %zu more processes (--all lists them)\n", count - printed);
    free(nodes);
    free(node_of);
}

/* ---- findings ---- */

static void print_finding_stacks(FILE *out, const struct snag_trace *trace, const struct snag_lockstats *stats,
                                 struct snag_names *names, const struct snag_finding *finding);

static void print_findings(FILE *out, const struct snag_trace *trace, const struct snag_lockstats *stats,
                           struct snag_names *names, const struct snag_findings *findings)
{
    size_t count = snag_findings_count(findings);
    fprintf(out, "\nFindings (%zu)\n", count);
    if (count == 0) fprintf(out, "  none\n");
    for (size_t index = 0; index < count; index++) {
        const struct snag_finding *finding = snag_finding(findings, index);
        char message[4096];
        fprintf(out, "  [%s] %s/%s: %s\n", snag_severity_name(finding->severity), finding->kind, finding->subkind,
                snag_finding_message(trace, stats, names, finding, message, sizeof message));
        print_finding_stacks(out, trace, stats, names, finding);
    }
}

static void json_lock_index(struct json *json, uint32_t lock)
{
    if (lock == SNAG_NO_INDEX) json_null(json);
    else json_uint(json, lock);
}

static void json_site_text(struct json *json, struct snag_names *names, uint32_t process, uint64_t site)
{
    char text[768];
    if (!site) json_null(json);
    else json_string(json, snag_names_site_text(names, process, site, text, sizeof text));
}

static void json_finding_thread(struct json *json, const struct snag_trace *trace, struct snag_names *names,
                                const struct snag_finding_thread *thread)
{
    const struct snag_thread_info *info = snag_trace_thread(trace, thread->thread);
    json_begin_object(json);
    json_key(json, "tid");
    json_int(json, info->tid);
    json_key(json, "pid");
    json_int(json, snag_trace_process(trace, info->process)->pid);
    json_key(json, "role");
    json_string(json, thread->role);
    json_key(json, "holds");
    json_lock_index(json, thread->holds);
    json_key(json, "wants");
    json_lock_index(json, thread->wants);
    json_key(json, "held_at");
    json_site_text(json, names, info->process, thread->held_at);
    json_key(json, "waits_at");
    json_site_text(json, names, info->process, thread->waits_at);
    json_key(json, "acted_at");
    json_site_text(json, names, info->process, thread->acted_at);
    json_key(json, "since_ns");
    json_uint(json, thread->since_ns);
    if (thread->signalled_by != SNAG_NO_INDEX) {
        const struct snag_thread_info *signaller = snag_trace_thread(trace, thread->signalled_by);
        json_key(json, "signalled_by");
        json_begin_object(json);
        json_key(json, "tid");
        json_int(json, signaller->tid);
        json_key(json, "at");
        json_site_text(json, names, signaller->process, thread->signalled_at);
        json_key(json, "time_ns");
        json_uint(json, thread->signalled_ns);
        json_end_object(json);
    }
    json_end_object(json);
}

static void print_finding_stacks(FILE *out, const struct snag_trace *trace, const struct snag_lockstats *stats,
                                 struct snag_names *names, const struct snag_finding *finding)
{
    struct snag_finding_stack stacks[32];
    size_t count = snag_finding_stacks(trace, finding, stacks, sizeof stacks / sizeof stacks[0]);
    for (size_t index = 0; index < count; index++) {
        char label[512];
        const char *lock = stacks[index].lock < finding->lock_count
                               ? snag_finding_lock_label(names, stats, &finding->locks[stacks[index].lock], label,
                                                         sizeof label)
                               : "it";
        fprintf(out, "      thread %d (%s), where it %s %s:\n", snag_trace_thread(trace, stacks[index].thread->thread)->tid,
                stacks[index].thread->role, strcmp(stacks[index].what, "holds") == 0 ? "took" : "wants", lock);
        print_stack(out, names, stacks[index].process, stacks[index].stack, "        ", FRAMES_PER_STACK);
    }
}

/* [{"tid", "pid", "role", "for": "holds"|"wants", "lock": index, "frames": [...]}] */
static void json_finding_stacks(struct json *json, const struct snag_trace *trace, struct snag_names *names,
                                const struct snag_finding *finding)
{
    struct snag_finding_stack stacks[32];
    size_t count = snag_finding_stacks(trace, finding, stacks, sizeof stacks / sizeof stacks[0]);
    json_begin_array(json);
    for (size_t index = 0; index < count; index++) {
        json_begin_object(json);
        json_key(json, "tid");
        json_int(json, snag_trace_thread(trace, stacks[index].thread->thread)->tid);
        json_key(json, "pid");
        json_int(json, snag_trace_process(trace, stacks[index].process)->pid);
        json_key(json, "role");
        json_string(json, stacks[index].thread->role);
        json_key(json, "for");
        json_string(json, stacks[index].what);
        json_key(json, "lock");
        json_lock_index(json, stacks[index].lock);
        json_key(json, "frames");
        json_stack_frames(json, names, stacks[index].process, stacks[index].stack);
        json_end_object(json);
    }
    json_end_array(json);
}

static void json_findings(struct json *json, const struct snag_trace *trace, const struct snag_lockstats *stats,
                          struct snag_names *names, const struct snag_findings *findings,
                          const struct snag_opencl_stats *opencl)
{
    json_key(json, "findings");
    json_begin_array(json);
    for (size_t index = 0; index < snag_findings_count(findings); index++) {
        const struct snag_finding *finding = snag_finding(findings, index);
        char text[4096];
        json_begin_object(json);
        json_key(json, "kind");
        json_string(json, finding->kind);
        json_key(json, "subkind");
        json_string(json, finding->subkind);
        json_key(json, "severity");
        json_string(json, snag_severity_name(finding->severity));
        json_key(json, "pid");
        json_int(json, snag_trace_process(trace, finding->process)->pid);
        json_key(json, "time_ns");
        json_uint(json, finding->time_ns);
        json_key(json, "occurrences");
        json_uint(json, finding->occurrences);
        json_key(json, "message");
        json_string(json, snag_finding_message(trace, stats, names, finding, text, sizeof text));
        json_key(json, "threads");
        json_begin_array(json);
        for (size_t thread = 0; thread < finding->thread_count; thread++)
            json_finding_thread(json, trace, names, &finding->threads[thread]);
        json_end_array(json);
        json_key(json, "locks");
        json_begin_array(json);
        for (size_t lock = 0; lock < finding->lock_count; lock++) {
            json_begin_object(json);
            json_key(json, "type");
            json_string(json, snag_class_name(finding->locks[lock].object_class));
            json_key(json, "label");
            json_string(json, snag_finding_lock_label(names, stats, &finding->locks[lock], text, sizeof text));
            json_key(json, "address");
            json_uint(json, finding->locks[lock].address);
            json_end_object(json);
        }
        json_end_array(json);
        json_key(json, "stacks");
        json_finding_stacks(json, trace, names, finding);
        json_key(json, "child_pid");
        if (finding->child_process == SNAG_NO_INDEX) json_null(json);
        else json_int(json, snag_trace_process(trace, finding->child_process)->pid);
        json_end_object(json);
    }
    report_opencl_json_findings(json, trace, names, opencl);
    json_end_array(json);
}

static void print_text(FILE *out, const char *path, const struct snag_trace *trace,
                       const struct snag_lockstats *stats, struct snag_names *names,
                       const struct snag_findings *findings, const struct snag_opencl_stats *opencl, size_t rows)
{
    char safe[4096], duration[32];
    fprintf(out, "snag report: %s\n", snag_text_sanitize(path, safe, sizeof safe));
    fprintf(out, "%zu process%s, %zu thread%s, %" PRIu64 " events over %s\n", snag_trace_process_count(trace),
            snag_trace_process_count(trace) == 1 ? "" : "es", snag_trace_thread_count(trace),
            snag_trace_thread_count(trace) == 1 ? "" : "s", snag_trace_event_count(trace),
            snag_text_duration(snag_trace_end_ns(trace), duration, sizeof duration));
    print_process_tree(out, trace, rows);
    print_findings(out, trace, stats, names, findings);
    print_objects(out, trace, stats, names, rows, 1);
    print_objects(out, trace, stats, names, rows, 0);
    print_threads(out, trace, stats);
    report_opencl_text(out, trace, names, opencl);
    for (size_t index = 0; index < snag_trace_warning_count(trace); index++)
        fprintf(out, "warning: %s\n", snag_text_sanitize(snag_trace_warning(trace, index), safe, sizeof safe));
}

static void json_site(struct json *json, struct snag_names *names, uint32_t process,
                      const struct snag_site_stats *site)
{
    struct snag_code_location location;
    int found = snag_names_site(names, process, site->site, &location) == 0;
    json_begin_object(json);
    json_key(json, "function");
    if (found && location.function) json_string(json, location.function);
    else json_null(json);
    json_key(json, "file");
    if (found && location.file) json_string(json, location.file);
    else json_null(json);
    json_key(json, "line");
    json_uint(json, found ? (uint64_t)location.line : 0);
    json_key(json, "module");
    if (found && location.module) json_string(json, location.module);
    else json_null(json);
    json_key(json, "module_offset");
    json_uint(json, found ? location.module_offset : 0);
    json_key(json, "acquisitions");
    json_uint(json, site->acquisitions);
    json_key(json, "contended");
    json_uint(json, site->contended);
    json_key(json, "wait_ns_total");
    json_uint(json, site->wait_ns_total);
    json_end_object(json);
}

/* What the process did to others: forks, execs, spawns, waits. */
static void json_process_events(struct json *json, const struct snag_trace *trace, uint32_t process)
{
    json_key(json, "process_events");
    json_begin_array(json);
    for (size_t index = 0; index < snag_trace_process_event_count(trace); index++) {
        const struct snag_process_event *event = snag_trace_process_event(trace, index);
        if (event->process != process) continue;
        json_begin_object(json);
        json_key(json, "time_ns");
        json_uint(json, event->time_ns);
        json_key(json, "tid");
        json_int(json, snag_trace_thread(trace, event->thread)->tid);
        json_key(json, "kind");
        json_string(json, snag_process_event_name(event->kind));
        json_key(json, "pid");
        json_int(json, event->pid);
        json_key(json, "status");
        json_int(json, event->status);
        json_key(json, "path");
        json_string(json, event->path);
        json_end_object(json);
    }
    json_end_array(json);
}

static void json_processes(struct json *json, const struct snag_trace *trace, const struct snag_lockstats *stats,
                           const struct snag_opencl_stats *opencl)
{
    json_key(json, "processes");
    json_begin_array(json);
    for (size_t index = 0; index < snag_trace_process_count(trace); index++) {
        const struct snag_process_info *process = snag_trace_process(trace, index);
        json_begin_object(json);
        json_key(json, "pid");
        json_int(json, process->pid);
        json_key(json, "ppid");
        json_int(json, process->ppid);
        json_key(json, "image");
        json_uint(json, process->image_seq);
        json_key(json, "exec_from");
        if (process->exec_from == SNAG_NO_INDEX) {
            json_null(json);
        } else {
            const struct snag_process_info *previous = snag_trace_process(trace, process->exec_from);
            json_begin_object(json);
            json_key(json, "pid");
            json_int(json, previous->pid);
            json_key(json, "image");
            json_uint(json, previous->image_seq);
            json_end_object(json);
        }
        json_key(json, "argv");
        json_begin_array(json);
        for (uint32_t arg = 0; arg < process->argc; arg++) json_string(json, process->argv[arg]);
        json_end_array(json);
        json_key(json, "exe");
        json_string(json, process->exe);
        json_key(json, "exit");
        if (process->exit_kind == SNAG_EXIT_STATUS || process->exit_kind == SNAG_EXIT_SIGNAL) {
            json_begin_object(json);
            json_key(json, process->exit_kind == SNAG_EXIT_STATUS ? "status" : "signal");
            json_int(json, process->exit_value);
            json_end_object(json);
        } else {
            json_null(json);
        }
        json_key(json, "start_ns");
        json_uint(json, process->start_ns);
        json_key(json, "end_ns");
        json_uint(json, process->end_ns);
        json_key(json, "dropped_records");
        json_uint(json, process->dropped_records);
        json_process_events(json, trace, (uint32_t)index);
        json_key(json, "threads");
        json_begin_array(json);
        for (uint32_t local = 0; local < process->thread_count; local++) {
            const struct snag_thread_info *thread = snag_trace_thread(trace, process->first_thread + local);
            const struct snag_thread_stats *figures = snag_lockstats_thread(stats, thread->index);
            json_begin_object(json);
            json_key(json, "tid");
            json_int(json, thread->tid);
            json_key(json, "name");
            json_string(json, thread->name);
            json_key(json, "main");
            json_uint(json, (uint64_t)thread->is_main);
            json_key(json, "start_ns");
            json_uint(json, thread->start_ns);
            json_key(json, "end_ns");
            json_uint(json, thread->end_ns);
            json_key(json, "events");
            json_uint(json, thread->event_count);
            json_key(json, "acquisitions");
            json_uint(json, figures->acquisitions);
            json_key(json, "blocked_ns");
            json_begin_object(json);
            for (int kind = 0; kind < SNAG_BLOCK_KINDS; kind++) {
                json_key(json, snag_block_kind_name((enum snag_block_kind)kind));
                json_uint(json, figures->blocked_ns[kind]);
            }
            json_key(json, "opencl"); /* waits for an OpenCL device */
            json_uint(json, report_opencl_thread_blocked_ns(opencl, thread->index));
            json_end_object(json);
            json_end_object(json);
        }
        json_end_array(json);
        json_end_object(json);
    }
    json_end_array(json);
}

static void json_locks(struct json *json, const struct snag_trace *trace, const struct snag_lockstats *stats,
                       struct snag_names *names)
{
    json_key(json, "locks");
    json_begin_array(json);
    for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++) {
        const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
        char text[1024];
        json_begin_object(json);
        json_key(json, "pid");
        json_int(json, snag_trace_process(trace, lock->process)->pid);
        json_key(json, "id");
        json_string(json, snag_names_lock_id(trace, lock, text, sizeof text));
        json_key(json, "type");
        json_string(json, lock_type_name(lock->object_class));
        json_key(json, "label");
        json_string(json, snag_names_lock_label(names, lock, text, sizeof text));
        const struct {
            const char *key;
            uint64_t value;
        } figures[] = {
            {"acquisitions", lock->acquisitions},   {"shared_acquisitions", lock->shared_acquisitions},
            {"contended", lock->contended},         {"reacquisitions", lock->reacquisitions},
            {"try_busy", lock->try_busy},           {"failures", lock->failures},
            {"signals", lock->signals},             {"wait_ns_total", lock->wait_ns_total},
            {"wait_ns_max", lock->wait_ns_max},     {"hold_ns_total", lock->hold_ns_total},
            {"hold_ns_max", lock->hold_ns_max},
        };
        for (size_t figure = 0; figure < sizeof figures / sizeof figures[0]; figure++) {
            json_key(json, figures[figure].key);
            json_uint(json, figures[figure].value);
        }
        json_key(json, "sites");
        json_begin_array(json);
        for (size_t site = 0; site < lock->site_count; site++) json_site(json, names, lock->process, &lock->sites[site]);
        json_end_array(json);
        json_key(json, "stacks");
        json_begin_array(json);
        for (size_t stack = 0; stack < lock->stack_count; stack++) {
            json_begin_object(json);
            json_key(json, "frames");
            json_stack_frames(json, names, lock->process, lock->stacks[stack].stack);
            json_key(json, "count");
            json_uint(json, lock->stacks[stack].count);
            json_end_object(json);
        }
        json_end_array(json);
        json_end_object(json);
    }
    json_end_array(json);
}

static void print_json(FILE *out, const char *path, const struct snag_trace *trace,
                       const struct snag_lockstats *stats, struct snag_names *names,
                       const struct snag_findings *findings, const struct snag_opencl_stats *opencl)
{
    struct json json = {.out = out};
    json_begin_object(&json);
    json_key(&json, "trace");
    json_string(&json, path);
    json_key(&json, "format_version");
    json_uint(&json, SNAG_FORMAT_VERSION);
    json_key(&json, "duration_ns");
    json_uint(&json, snag_trace_end_ns(trace));
    json_key(&json, "events");
    json_uint(&json, snag_trace_event_count(trace));
    json_processes(&json, trace, stats, opencl);
    json_locks(&json, trace, stats, names);
    json_findings(&json, trace, stats, names, findings, opencl);
    report_opencl_json(&json, trace, opencl);
    json_key(&json, "warnings");
    json_begin_array(&json);
    for (size_t index = 0; index < snag_trace_warning_count(trace); index++)
        json_string(&json, snag_trace_warning(trace, index));
    json_end_array(&json);
    json_end_object(&json);
    fputc('\n', out);
}

int snag_report_open(const char *path, struct snag_trace **trace, struct snag_lockstats **stats,
                     struct snag_names **names)
{
    char error[1024], safe[1100];
    *trace = snag_trace_open(path, error, sizeof error);
    if (!*trace) {
        fprintf(stderr, "snag: %s\n", snag_text_sanitize(error, safe, sizeof safe));
        return SNAG_EXIT_BAD_TRACE;
    }
    *stats = snag_lockstats_compute(*trace);
    *names = *stats ? snag_names_new(*trace) : NULL;
    if (!*stats || !*names) {
        fprintf(stderr, "snag: %s: out of memory while analysing the trace\n", snag_text_sanitize(path, safe, sizeof safe));
        snag_lockstats_free(*stats);
        snag_trace_close(*trace);
        return SNAG_EXIT_FAILURE;
    }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: snag report [--json] [--all] [TRACE]\n"
            "\n"
            "Explains a trace recorded by `snag run`: per-lock acquisitions, contention,\n"
            "wait and hold times with their call sites, and per-thread blocked time.\n"
            "TRACE defaults to ./snag.trace.\n"
            "\n"
            "  --json   machine-readable output (schema in the README)\n"
            "  --all    every lock and process, not only the first %d\n",
            DEFAULT_LOCK_ROWS);
}

int snag_report_main(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'}, {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {0}};
    int json = 0;
    size_t rows = DEFAULT_LOCK_ROWS;
    int option;
    while ((option = getopt_long(argc, argv, "+jah", options, NULL)) != -1) {
        switch (option) {
        case 'j': json = 1; break;
        case 'a': rows = SIZE_MAX; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return SNAG_EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        usage(stderr);
        return SNAG_EXIT_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : SNAG_DEFAULT_TRACE;
    struct snag_trace *trace;
    struct snag_lockstats *stats;
    struct snag_names *names;
    int status = snag_report_open(path, &trace, &stats, &names);
    if (status) return status;
    struct snag_findings *findings = snag_findings_compute(trace);
    struct snag_opencl_stats *opencl = snag_opencl_stats_compute(trace);
    if (!findings || !opencl) {
        snag_findings_free(findings);
        snag_opencl_stats_free(opencl);
        fprintf(stderr, "snag: out of memory while looking for findings\n");
        snag_names_free(names);
        snag_lockstats_free(stats);
        snag_trace_close(trace);
        return SNAG_EXIT_FAILURE;
    }
    if (json) print_json(stdout, path, trace, stats, names, findings, opencl);
    else print_text(stdout, path, trace, stats, names, findings, opencl, rows);
    snag_opencl_stats_free(opencl);
    snag_findings_free(findings);
    snag_names_free(names);
    snag_lockstats_free(stats);
    snag_trace_close(trace);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "snag: cannot write the report to standard output: %s\n", strerror(errno));
        return SNAG_EXIT_FAILURE;
    }
    return 0;
}

/* Is `kind` in the comma-separated list (or is "any" there)? */
static int kind_listed(const char *list, const char *kind)
{
    size_t length = strlen(kind);
    for (const char *word = list; *word;) {
        const char *end = strchrnul(word, ',');
        size_t size = (size_t)(end - word);
        if ((size == length && strncmp(word, kind, length) == 0) || (size == 3 && strncmp(word, "any", 3) == 0))
            return 1;
        word = *end ? end + 1 : end;
    }
    return 0;
}

int snag_report_summary(const char *path, int rows, int quiet, const char *fail_on)
{
    struct snag_trace *trace;
    struct snag_lockstats *stats;
    struct snag_names *names;
    char safe[4096];
    snag_text_sanitize(path, safe, sizeof safe);
    if (snag_report_open(path, &trace, &stats, &names)) return -1;
    struct snag_findings *findings = snag_findings_compute(trace);
    int failing = findings ? 0 : -1;
    for (size_t index = 0; fail_on && findings && index < snag_findings_count(findings); index++)
        failing += kind_listed(fail_on, snag_finding(findings, index)->kind);
    if (!quiet) {
        fprintf(stderr, "snag: trace in %s: %zu process%s, %zu thread%s, %" PRIu64 " events\n", safe,
                snag_trace_process_count(trace), snag_trace_process_count(trace) == 1 ? "" : "es",
                snag_trace_thread_count(trace), snag_trace_thread_count(trace) == 1 ? "" : "s",
                snag_trace_event_count(trace));
        int shown = 0;
        for (size_t index = 0; index < snag_lockstats_lock_count(stats) && shown < rows; index++) {
            const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
            if (!is_lock(lock) || lock->contended == 0) continue;
            if (shown++ == 0) fprintf(stderr, "snag: most contended:\n");
            char label[512], waited[32];
            fprintf(stderr, "  %-8s %-40s %" PRIu64 " of %" PRIu64 " acquisitions waited, %s in all\n",
                    snag_class_name(lock->object_class), snag_names_lock_label(names, lock, label, sizeof label),
                    lock->contended, lock->acquisitions, snag_text_duration(lock->wait_ns_total, waited, sizeof waited));
        }
        if (shown == 0) fprintf(stderr, "snag: no lock was contended\n");
        size_t count = findings ? snag_findings_count(findings) : 0;
        for (size_t index = 0; index < count && (int)index < rows; index++) {
            const struct snag_finding *finding = snag_finding(findings, index);
            char message[2048];
            if (index == 0) fprintf(stderr, "snag: %zu finding%s:\n", count, count == 1 ? "" : "s");
            fprintf(stderr, "  [%s] %s/%s: %s\n", snag_severity_name(finding->severity), finding->kind,
                    finding->subkind, snag_finding_message(trace, stats, names, finding, message, sizeof message));
        }
        report_opencl_summary(stderr, trace);
        fprintf(stderr, "snag: details: snag report %s\n", safe);
    }
    snag_findings_free(findings);
    snag_names_free(names);
    snag_lockstats_free(stats);
    snag_trace_close(trace);
    return failing;
}
