/* Statistics and findings over the OpenCL log (see snag/opencl_stats.h). */
#define _GNU_SOURCE
#include "snag/opencl_stats.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/format.h"
#include "snag/text.h"

#define TRANSFER_KINDS 5
static const char *const transfer_kinds[TRANSFER_KINDS] = {"read", "write", "copy", "map", "fill"};

/* Findings thresholds: a pattern seen this often is a habit, not an accident. */
#define REPEATS_FOR_FINDING 3
#define HOST_IDLE_SHARE 30 /* percent of its span a serialised device waits for the host, for a finding */

struct snag_opencl_stats {
    struct snag_opencl_kernel_stats *kernels;
    size_t kernel_count;
    struct snag_opencl_transfer_stats transfers[TRANSFER_KINDS];
    struct snag_opencl_api_stats *api;
    size_t api_count;
    struct snag_opencl_busy_stats *busy;
    size_t busy_count;
    struct snag_opencl_thread_stats *threads;
    size_t thread_count;
    struct snag_opencl_finding *findings;
    size_t finding_count, finding_capacity;
};

static const char unknown_kernel[] = "(unknown)";

static uint64_t duration(uint64_t start, uint64_t end)
{
    return end > start ? end - start : 0;
}

/* ---- kernels and transfers ---- */

static int compare_kernels(const void *left, const void *right)
{
    const struct snag_opencl_kernel_stats *a = left, *b = right;
    if (a->device_ns_total != b->device_ns_total) return a->device_ns_total > b->device_ns_total ? -1 : 1;
    if (a->launches != b->launches) return a->launches > b->launches ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int count_kernels(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    size_t command_count = snag_opencl_command_count(log);
    stats->kernels = calloc(command_count ? command_count : 1, sizeof *stats->kernels);
    if (!stats->kernels) return -1;
    for (size_t index = 0; index < command_count; index++) {
        const struct snag_opencl_command *command = snag_opencl_command(log, index);
        if (command->call == SNAG_NO_INDEX) continue;
        const struct snag_opencl_call *call = snag_opencl_call(log, command->call);
        uint64_t device_ns = command->profiled ? duration(command->start_ns, command->end_ns) : 0;
        const char *transfer = snag_opencl_transfer_kind(call->function);
        if (transfer) {
            for (size_t kind = 0; kind < TRANSFER_KINDS; kind++) {
                if (strcmp(transfer_kinds[kind], transfer) != 0) continue;
                stats->transfers[kind].count++;
                stats->transfers[kind].bytes += call->bytes;
                stats->transfers[kind].device_ns_total += device_ns;
            }
            continue;
        }
        if (!snag_opencl_is_kernel_launch(call->function)) continue;
        const char *name = command->kernel ? command->kernel : unknown_kernel;
        struct snag_opencl_kernel_stats *kernel = NULL;
        for (size_t known = 0; known < stats->kernel_count && !kernel; known++)
            if (strcmp(stats->kernels[known].name, name) == 0) kernel = &stats->kernels[known];
        if (!kernel) {
            kernel = &stats->kernels[stats->kernel_count++];
            kernel->name = name;
        }
        kernel->launches++;
        if (!command->profiled) continue;
        uint64_t latency = duration(command->queued_ns, command->start_ns);
        kernel->profiled++;
        kernel->device_ns_total += device_ns;
        if (device_ns > kernel->device_ns_max) kernel->device_ns_max = device_ns;
        kernel->queued_to_start_ns_total += latency;
        if (latency > kernel->queued_to_start_ns_max) kernel->queued_to_start_ns_max = latency;
    }
    for (size_t kind = 0; kind < TRANSFER_KINDS; kind++) stats->transfers[kind].kind = transfer_kinds[kind];
    qsort(stats->kernels, stats->kernel_count, sizeof *stats->kernels, compare_kernels);
    return 0;
}

/* ---- host calls and threads ---- */

static int compare_api(const void *left, const void *right)
{
    const struct snag_opencl_api_stats *a = left, *b = right;
    if (a->host_ns_total != b->host_ns_total) return a->host_ns_total > b->host_ns_total ? -1 : 1;
    return (a->function > b->function) - (a->function < b->function);
}

static int compare_threads(const void *left, const void *right)
{
    const struct snag_opencl_thread_stats *a = left, *b = right;
    if (a->blocked_ns != b->blocked_ns) return a->blocked_ns > b->blocked_ns ? -1 : 1;
    return (a->thread > b->thread) - (a->thread < b->thread);
}

static int count_calls(struct snag_opencl_stats *stats, const struct snag_trace *trace,
                       const struct snag_opencl_log *log)
{
    size_t thread_total = snag_trace_thread_count(trace);
    stats->api = calloc(SNAG_CL_FUNCTION_COUNT, sizeof *stats->api);
    struct snag_opencl_thread_stats *per_thread = calloc(thread_total ? thread_total : 1, sizeof *per_thread);
    if (!stats->api || !per_thread) {
        free(per_thread);
        return -1;
    }
    for (size_t index = 0; index < snag_opencl_call_count(log); index++) {
        const struct snag_opencl_call *call = snag_opencl_call(log, index);
        uint32_t function = call->function < SNAG_CL_FUNCTION_COUNT ? call->function : SNAG_CL_UNKNOWN;
        uint64_t host_ns = duration(call->start_ns, call->end_ns);
        struct snag_opencl_api_stats *api = &stats->api[function];
        api->function = function;
        api->calls++;
        if (call->result != 0) api->errors++;
        api->host_ns_total += host_ns;
        if (host_ns > api->host_ns_max) api->host_ns_max = host_ns;
        if (call->thread >= thread_total) continue;
        struct snag_opencl_thread_stats *thread = &per_thread[call->thread];
        thread->thread = call->thread;
        thread->calls++;
        thread->host_ns_total += host_ns;
        if (call->flags & SNAG_OPENCL_WAITS) {
            thread->waits++;
            thread->blocked_ns += host_ns;
        }
    }
    for (size_t function = 0; function < SNAG_CL_FUNCTION_COUNT; function++)
        if (stats->api[function].calls) stats->api[stats->api_count++] = stats->api[function];
    qsort(stats->api, stats->api_count, sizeof *stats->api, compare_api);
    for (size_t thread = 0; thread < thread_total; thread++)
        if (per_thread[thread].calls) per_thread[stats->thread_count++] = per_thread[thread];
    qsort(per_thread, stats->thread_count, sizeof *per_thread, compare_threads);
    stats->threads = per_thread;
    return 0;
}

/* ---- utilisation ---- */

/* Commands come sorted by START: the union of their intervals in one pass.
 * A gap before a command that was queued only after the device ran out of
 * work is the host's: the device had nothing to do. A gap before one queued
 * earlier is the runtime's (compiling a kernel, scheduling). */
static void add_busy(struct snag_opencl_busy_stats *busy, const struct snag_opencl_command *command,
                     uint64_t *covered_until)
{
    busy->commands++;
    if (!command->profiled) return;
    if (busy->busy_ns == 0 && *covered_until == 0) busy->first_ns = command->start_ns;
    else if (command->queued_ns > *covered_until)
        busy->host_idle_ns += duration(*covered_until, command->queued_ns < command->start_ns ? command->queued_ns
                                                                                            : command->start_ns);
    uint64_t from = command->start_ns > *covered_until ? command->start_ns : *covered_until;
    busy->busy_ns += duration(from, command->end_ns);
    if (command->end_ns > *covered_until) *covered_until = command->end_ns;
    if (command->end_ns > busy->last_ns) busy->last_ns = command->end_ns;
}

static int measure_busy(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    size_t queue_count = snag_opencl_queue_count(log);
    stats->busy = calloc(queue_count * 2 + 1, sizeof *stats->busy);
    uint64_t *covered = calloc(queue_count * 2 + 1, sizeof *covered);
    uint32_t *device_row = calloc(queue_count + 1, sizeof *device_row);
    if (!stats->busy || !covered || !device_row) {
        free(covered);
        free(device_row);
        return -1;
    }
    for (size_t index = 0; index < queue_count; index++) {
        const struct snag_opencl_queue *queue = snag_opencl_queue(log, index);
        stats->busy[index] = (struct snag_opencl_busy_stats){.process = queue->process, .queue = (uint32_t)index,
                                                             .device = queue->device,
                                                             .device_name = queue->device_name};
    }
    stats->busy_count = queue_count;
    for (size_t index = 0; index < queue_count; index++) {
        const struct snag_opencl_queue *queue = snag_opencl_queue(log, index);
        size_t row = queue_count;
        for (; row < stats->busy_count; row++)
            if (stats->busy[row].process == queue->process && stats->busy[row].device == queue->device) break;
        if (row == stats->busy_count) {
            stats->busy[row] = (struct snag_opencl_busy_stats){.process = queue->process, .queue = SNAG_NO_INDEX,
                                                               .device = queue->device,
                                                               .device_name = queue->device_name};
            stats->busy_count++;
        }
        device_row[index] = (uint32_t)row;
    }
    for (size_t index = 0; index < snag_opencl_command_count(log); index++) {
        const struct snag_opencl_command *command = snag_opencl_command(log, index);
        if (command->queue == SNAG_NO_INDEX) continue;
        add_busy(&stats->busy[command->queue], command, &covered[command->queue]);
        uint32_t row = device_row[command->queue];
        add_busy(&stats->busy[row], command, &covered[row]);
    }
    free(covered);
    free(device_row);
    return 0;
}

/* ---- findings ---- */

static struct snag_opencl_finding *add_finding(struct snag_opencl_stats *stats, const char *subkind, int severity,
                                               uint32_t process)
{
    if (stats->finding_count == stats->finding_capacity) {
        size_t capacity = stats->finding_capacity ? stats->finding_capacity * 2 : 8;
        struct snag_opencl_finding *bigger = realloc(stats->findings, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        stats->findings = bigger;
        stats->finding_capacity = capacity;
    }
    struct snag_opencl_finding *finding = &stats->findings[stats->finding_count++];
    *finding = (struct snag_opencl_finding){.subkind = subkind, .severity = severity, .process = process,
                                            .thread = SNAG_NO_INDEX, .queue = SNAG_NO_INDEX};
    return finding;
}

static bool is_blocking_read(const struct snag_opencl_call *call)
{
    const char *kind = snag_opencl_transfer_kind(call->function);
    return (call->flags & SNAG_OPENCL_BLOCKING) && kind && (strcmp(kind, "read") == 0 || strcmp(kind, "map") == 0);
}

/* Per queue: was every kernel launch followed, as the next thing enqueued
 * on that queue, by a blocking read? */
static int find_serialising_reads(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    for (size_t queue = 0; queue < snag_opencl_queue_count(log); queue++) {
        uint64_t launches = 0, followed = 0, waited_ns = 0, first_ns = 0;
        uint32_t thread = SNAG_NO_INDEX;
        uint64_t site = 0;
        const struct snag_opencl_call *pending_launch = NULL;
        for (size_t index = 0; index < snag_opencl_call_count(log); index++) {
            const struct snag_opencl_call *call = snag_opencl_call(log, index);
            if (call->queue != queue || call->command == SNAG_NO_INDEX) continue;
            if (pending_launch && is_blocking_read(call)) {
                followed++;
                waited_ns += duration(call->start_ns, call->end_ns);
                if (!site) {
                    site = call->site;
                    thread = call->thread;
                    first_ns = call->start_ns;
                }
            }
            pending_launch = snag_opencl_is_kernel_launch(call->function) ? call : NULL;
            if (pending_launch) launches++;
        }
        if (launches < REPEATS_FOR_FINDING || followed < launches) continue;
        struct snag_opencl_finding *finding =
            add_finding(stats, "serialising_blocking_read", 1, snag_opencl_queue(log, queue)->process);
        if (!finding) return -1;
        finding->queue = (uint32_t)queue;
        finding->thread = thread;
        finding->site = site;
        finding->time_ns = first_ns;
        finding->occurrences = followed;
        finding->amount_ns = waited_ns;
    }
    return 0;
}

/* A device whose commands never overlapped and that sat idle for a good
 * part of the time between its first and last command. */
static int find_serialised_devices(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    size_t queue_count = snag_opencl_queue_count(log);
    for (size_t row = queue_count; row < stats->busy_count; row++) {
        const struct snag_opencl_busy_stats *device = &stats->busy[row];
        uint64_t span = duration(device->first_ns, device->last_ns);
        if (device->commands < 2 * REPEATS_FOR_FINDING || span == 0) continue;
        uint64_t latest_end = 0, profiled = 0;
        bool overlapped = false;
        uint32_t queue = SNAG_NO_INDEX;
        for (size_t index = 0; index < snag_opencl_command_count(log) && !overlapped; index++) {
            const struct snag_opencl_command *command = snag_opencl_command(log, index);
            if (!command->profiled || command->queue == SNAG_NO_INDEX) continue;
            const struct snag_opencl_queue *of = snag_opencl_queue(log, command->queue);
            if (of->process != device->process || of->device != device->device) continue;
            if (profiled && command->start_ns < latest_end) overlapped = true;
            if (command->end_ns > latest_end) latest_end = command->end_ns;
            if (queue == SNAG_NO_INDEX) queue = command->queue;
            profiled++;
        }
        uint64_t percent = device->host_idle_ns * 100 / span;
        if (overlapped || profiled < 2 * REPEATS_FOR_FINDING || percent < HOST_IDLE_SHARE) continue;
        struct snag_opencl_finding *finding = add_finding(stats, "in_order_queue_serialised", 1, device->process);
        if (!finding) return -1;
        finding->queue = queue;
        finding->time_ns = device->first_ns;
        finding->occurrences = profiled;
        finding->amount_ns = device->host_idle_ns;
        finding->percent = percent;
    }
    return 0;
}

/* The same source built again and again: builds are counted per source hash. */
static int find_rebuilt_programs(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    size_t call_count = snag_opencl_call_count(log);
    for (size_t index = 0; index < call_count; index++) {
        const struct snag_opencl_call *source = snag_opencl_call(log, index);
        if (source->function != SNAG_CL_CREATE_PROGRAM_WITH_SOURCE || !source->object || !source->detail) continue;
        /* only the first program of each source counts the rest */
        bool seen_before = false;
        for (size_t earlier = 0; earlier < index && !seen_before; earlier++) {
            const struct snag_opencl_call *other = snag_opencl_call(log, earlier);
            seen_before = other->function == SNAG_CL_CREATE_PROGRAM_WITH_SOURCE && other->process == source->process &&
                          other->detail == source->detail;
        }
        if (seen_before) continue;
        uint64_t builds = 0, build_ns = 0;
        const struct snag_opencl_call *first_build = NULL;
        uint64_t program = 0;
        for (size_t later = index; later < call_count; later++) {
            const struct snag_opencl_call *call = snag_opencl_call(log, later);
            if (call->process != source->process) continue;
            if (call->function == SNAG_CL_CREATE_PROGRAM_WITH_SOURCE && call->detail == source->detail)
                program = call->object; /* the newest program of this source */
            else if (call->function == SNAG_CL_CREATE_PROGRAM_WITH_SOURCE && call->object == program)
                program = 0;            /* its handle now names another source */
            if ((call->function == SNAG_CL_BUILD_PROGRAM || call->function == SNAG_CL_COMPILE_PROGRAM) && program &&
                call->object == program) {
                builds++;
                build_ns += duration(call->start_ns, call->end_ns);
                if (!first_build) first_build = call;
            }
        }
        if (builds < REPEATS_FOR_FINDING) continue;
        struct snag_opencl_finding *finding = add_finding(stats, "program_rebuilt", 1, source->process);
        if (!finding) return -1;
        finding->thread = first_build->thread;
        finding->site = first_build->site;
        finding->time_ns = first_build->start_ns;
        finding->occurrences = builds;
        finding->amount_ns = build_ns;
    }
    return 0;
}

struct event_reference {
    uint32_t process;
    uint64_t handle;
    size_t order;   /* the call's index: time order */
    int delta;      /* +1 got or retained, -1 released */
    uint32_t call;
};

static int compare_references(const void *left, const void *right)
{
    const struct event_reference *a = left, *b = right;
    if (a->process != b->process) return a->process < b->process ? -1 : 1;
    if (a->handle != b->handle) return a->handle < b->handle ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* Events the program got (an enqueue's event, a user event) and did not
 * release as often as it got and retained them, per process. */
static int find_leaked_events(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    size_t call_count = snag_opencl_call_count(log), count = 0;
    struct event_reference *references = calloc(call_count ? call_count : 1, sizeof *references);
    if (!references) return -1;
    for (size_t index = 0; index < call_count; index++) {
        const struct snag_opencl_call *call = snag_opencl_call(log, index);
        if (call->result != 0 || !call->event) continue;
        int delta = 0;
        if (call->flags & SNAG_OPENCL_PROGRAM_EVENT) delta = 1;
        else if (call->function == SNAG_CL_RETAIN_EVENT) delta = 1;
        else if (call->function == SNAG_CL_RELEASE_EVENT) delta = -1;
        if (delta) references[count++] = (struct event_reference){call->process, call->event, index, delta, (uint32_t)index};
    }
    qsort(references, count, sizeof *references, compare_references);
    struct snag_opencl_finding *finding = NULL;
    for (size_t index = 0; index < count;) {
        size_t end = index;
        int held = 0;
        bool created = false;
        uint32_t first_call = references[index].call;
        for (; end < count && references[end].process == references[index].process &&
               references[end].handle == references[index].handle;
             end++) {
            held += references[end].delta;
            if (held < 0) held = 0; /* a release of an event snag did not see made (not from an enqueue) */
            created = created || references[end].delta > 0;
        }
        if (held > 0 && created) {
            const struct snag_opencl_call *call = snag_opencl_call(log, first_call);
            if (!finding || finding->process != call->process) {
                finding = add_finding(stats, "event_leaked", 1, call->process);
                if (!finding) {
                    free(references);
                    return -1;
                }
                finding->thread = call->thread;
                finding->site = call->site;
                finding->time_ns = call->start_ns;
            }
            finding->occurrences++;
        }
        index = end;
    }
    free(references);
    return 0;
}

/* clFinish from one call site of one thread, again and again. */
static int find_finish_in_loops(struct snag_opencl_stats *stats, const struct snag_opencl_log *log)
{
    size_t call_count = snag_opencl_call_count(log);
    for (size_t index = 0; index < call_count; index++) {
        const struct snag_opencl_call *first = snag_opencl_call(log, index);
        if (first->function != SNAG_CL_FINISH) continue;
        bool seen_before = false;
        for (size_t earlier = 0; earlier < index && !seen_before; earlier++) {
            const struct snag_opencl_call *other = snag_opencl_call(log, earlier);
            seen_before = other->function == SNAG_CL_FINISH && other->thread == first->thread && other->site == first->site;
        }
        if (seen_before) continue;
        uint64_t finishes = 0, waited_ns = 0;
        for (size_t later = index; later < call_count; later++) {
            const struct snag_opencl_call *call = snag_opencl_call(log, later);
            if (call->function != SNAG_CL_FINISH || call->thread != first->thread || call->site != first->site) continue;
            finishes++;
            waited_ns += duration(call->start_ns, call->end_ns);
        }
        if (finishes < REPEATS_FOR_FINDING) continue;
        struct snag_opencl_finding *finding = add_finding(stats, "finish_in_loop", 1, first->process);
        if (!finding) return -1;
        finding->thread = first->thread;
        finding->queue = first->queue;
        finding->site = first->site;
        finding->time_ns = first->start_ns;
        finding->occurrences = finishes;
        finding->amount_ns = waited_ns;
    }
    return 0;
}

static int compare_findings(const void *left, const void *right)
{
    const struct snag_opencl_finding *a = left, *b = right;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    return (a->time_ns > b->time_ns) - (a->time_ns < b->time_ns);
}

struct snag_opencl_stats *snag_opencl_stats_compute(const struct snag_trace *trace)
{
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    struct snag_opencl_stats *stats = calloc(1, sizeof *stats);
    if (!stats) return NULL;
    if (count_kernels(stats, log) || count_calls(stats, trace, log) || measure_busy(stats, log) ||
        find_serialising_reads(stats, log) || find_serialised_devices(stats, log) ||
        find_rebuilt_programs(stats, log) || find_leaked_events(stats, log) || find_finish_in_loops(stats, log)) {
        snag_opencl_stats_free(stats);
        return NULL;
    }
    if (stats->finding_count > 1) qsort(stats->findings, stats->finding_count, sizeof *stats->findings, compare_findings);
    return stats;
}

void snag_opencl_stats_free(struct snag_opencl_stats *stats)
{
    if (!stats) return;
    free(stats->kernels);
    free(stats->api);
    free(stats->busy);
    free(stats->threads);
    free(stats->findings);
    free(stats);
}

size_t snag_opencl_stats_kernel_count(const struct snag_opencl_stats *stats) { return stats->kernel_count; }
const struct snag_opencl_kernel_stats *snag_opencl_stats_kernel(const struct snag_opencl_stats *stats, size_t index)
{
    return index < stats->kernel_count ? &stats->kernels[index] : NULL;
}
size_t snag_opencl_stats_transfer_count(const struct snag_opencl_stats *stats)
{
    (void)stats;
    return TRANSFER_KINDS;
}
const struct snag_opencl_transfer_stats *snag_opencl_stats_transfer(const struct snag_opencl_stats *stats, size_t index)
{
    return index < TRANSFER_KINDS ? &stats->transfers[index] : NULL;
}
size_t snag_opencl_stats_api_count(const struct snag_opencl_stats *stats) { return stats->api_count; }
const struct snag_opencl_api_stats *snag_opencl_stats_api(const struct snag_opencl_stats *stats, size_t index)
{
    return index < stats->api_count ? &stats->api[index] : NULL;
}
size_t snag_opencl_stats_busy_count(const struct snag_opencl_stats *stats) { return stats->busy_count; }
const struct snag_opencl_busy_stats *snag_opencl_stats_busy(const struct snag_opencl_stats *stats, size_t index)
{
    return index < stats->busy_count ? &stats->busy[index] : NULL;
}
size_t snag_opencl_stats_thread_count(const struct snag_opencl_stats *stats) { return stats->thread_count; }
const struct snag_opencl_thread_stats *snag_opencl_stats_thread(const struct snag_opencl_stats *stats, size_t index)
{
    return index < stats->thread_count ? &stats->threads[index] : NULL;
}
size_t snag_opencl_stats_finding_count(const struct snag_opencl_stats *stats) { return stats->finding_count; }
const struct snag_opencl_finding *snag_opencl_stats_finding(const struct snag_opencl_stats *stats, size_t index)
{
    return index < stats->finding_count ? &stats->findings[index] : NULL;
}

static int thread_tid(const struct snag_trace *trace, uint32_t thread)
{
    const struct snag_thread_info *info = thread != SNAG_NO_INDEX ? snag_trace_thread(trace, thread) : NULL;
    return info ? info->tid : 0;
}

void snag_opencl_finding_message(const struct snag_trace *trace, const struct snag_opencl_finding *finding,
                                 const char *site_text, char *out, size_t size)
{
    char amount[32];
    snag_text_duration(finding->amount_ns, amount, sizeof amount);
    int tid = thread_tid(trace, finding->thread);
    const char *at = site_text && *site_text ? " at " : "";
    if (!site_text) site_text = "";
    if (strcmp(finding->subkind, "serialising_blocking_read") == 0)
        snprintf(out, size,
                 "each of the %" PRIu64 " kernel launches on one queue was followed by a blocking read (thread %d%s%s): "
                 "the host waited %s for the device and the device sat idle while the host worked; read "
                 "non-blocking with an event, or use a second queue, to overlap them",
                 finding->occurrences, tid, at, site_text, amount);
    else if (strcmp(finding->subkind, "in_order_queue_serialised") == 0)
        snprintf(out, size,
                 "the device's %" PRIu64 " commands never overlapped, and it sat idle with nothing queued %" PRIu64
                 "%% of the time between its first and last command (%s waiting for the host): let the host enqueue "
                 "ahead, with a second queue or non-blocking calls, so transfers, kernels and host work overlap",
                 finding->occurrences, finding->percent, amount);
    else if (strcmp(finding->subkind, "program_rebuilt") == 0)
        snprintf(out, size,
                 "the same program source was built %" PRIu64 " times (thread %d%s%s), %s of build time in all: "
                 "build it once and keep the program and its kernels",
                 finding->occurrences, tid, at, site_text, amount);
    else if (strcmp(finding->subkind, "event_leaked") == 0)
        snprintf(out, size,
                 "%" PRIu64 " events the program got were never released (the first made by thread %d%s%s): each "
                 "keeps its command's resources alive; release events with clReleaseEvent, or pass NULL when not needed",
                 finding->occurrences, tid, at, site_text);
    else if (strcmp(finding->subkind, "finish_in_loop") == 0)
        snprintf(out, size,
                 "clFinish ran %" PRIu64 " times from one call site (thread %d%s%s), waiting %s in all: the host "
                 "drains the queue every iteration; wait once after the loop, or only for the events it needs",
                 finding->occurrences, tid, at, site_text, amount);
    else
        snprintf(out, size, "%s", finding->subkind);
}
