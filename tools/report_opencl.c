/* The OpenCL section of `snag report` (see report_opencl.h). */
#define _GNU_SOURCE
#include "report_opencl.h"

#include <inttypes.h>
#include <string.h>

#include "snag/findings.h"
#include "snag/text.h"

static int thread_tid(const struct snag_trace *trace, uint32_t thread)
{
    const struct snag_thread_info *info = thread != SNAG_NO_INDEX ? snag_trace_thread(trace, thread) : NULL;
    return info ? info->tid : 0;
}

static int process_pid(const struct snag_trace *trace, uint32_t process)
{
    const struct snag_process_info *info = snag_trace_process(trace, process);
    return info ? info->pid : 0;
}

static const char *bandwidth_text(uint64_t bytes, uint64_t ns, char *out, size_t size)
{
    if (ns == 0) snprintf(out, size, "-");
    else if ((double)bytes / (double)ns >= 1.0) snprintf(out, size, "%.2f GB/s", (double)bytes / (double)ns);
    else snprintf(out, size, "%.1f MB/s", (double)bytes * 1000.0 / (double)ns);
    return out;
}

static void print_clocks(FILE *out, const struct snag_trace *trace, const struct snag_opencl_log *log)
{
    for (size_t index = 0; index < snag_opencl_clock_count(log); index++) {
        const struct snag_opencl_clock *clock = snag_opencl_clock(log, index);
        char uncertainty[32], name[256] = "";
        for (size_t queue = 0; queue < snag_opencl_queue_count(log) && !name[0]; queue++)
            if (snag_opencl_queue(log, queue)->clock == index)
                snag_text_sanitize(snag_opencl_queue(log, queue)->device_name, name, sizeof name);
        fprintf(out, "  device clock of %s (pid %d): %s, +- %s", name, process_pid(trace, clock->process),
                snag_opencl_clock_method_name(clock->method),
                snag_text_duration(clock->uncertainty_ns, uncertainty, sizeof uncertainty));
        if (clock->method == SNAG_OPENCL_CLOCK_MEASURED)
            fprintf(out, " (from %" PRIu64 " command%s)", clock->samples, clock->samples == 1 ? "" : "s");
        fprintf(out, "\n");
    }
}

static void print_kernels(FILE *out, const struct snag_opencl_stats *stats)
{
    fprintf(out, "\nOpenCL kernels by device time\n");
    fprintf(out, "  %-32s %8s %12s %10s %10s %14s\n", "KERNEL", "LAUNCHES", "DEVICE TIME", "AVG", "MAX",
            "QUEUED>START");
    if (snag_opencl_stats_kernel_count(stats) == 0) fprintf(out, "  none\n");
    for (size_t index = 0; index < snag_opencl_stats_kernel_count(stats); index++) {
        const struct snag_opencl_kernel_stats *kernel = snag_opencl_stats_kernel(stats, index);
        char name[256], total[32], average[32], maximum[32], latency[32];
        uint64_t profiled = kernel->profiled ? kernel->profiled : 1;
        fprintf(out, "  %-32s %8" PRIu64 " %12s %10s %10s %14s\n", snag_text_sanitize(kernel->name, name, sizeof name),
                kernel->launches, snag_text_duration(kernel->device_ns_total, total, sizeof total),
                snag_text_duration(kernel->device_ns_total / profiled, average, sizeof average),
                snag_text_duration(kernel->device_ns_max, maximum, sizeof maximum),
                snag_text_duration(kernel->queued_to_start_ns_total / profiled, latency, sizeof latency));
    }
}

static void print_transfers(FILE *out, const struct snag_opencl_stats *stats)
{
    fprintf(out, "\nOpenCL transfers\n");
    fprintf(out, "  %-6s %8s %14s %12s %12s\n", "KIND", "COUNT", "BYTES", "DEVICE TIME", "BANDWIDTH");
    for (size_t index = 0; index < snag_opencl_stats_transfer_count(stats); index++) {
        const struct snag_opencl_transfer_stats *transfer = snag_opencl_stats_transfer(stats, index);
        if (!transfer->count) continue;
        char time[32], bandwidth[32];
        fprintf(out, "  %-6s %8" PRIu64 " %14" PRIu64 " %12s %12s\n", transfer->kind, transfer->count, transfer->bytes,
                snag_text_duration(transfer->device_ns_total, time, sizeof time),
                bandwidth_text(transfer->bytes, transfer->device_ns_total, bandwidth, sizeof bandwidth));
    }
}

static void print_api(FILE *out, const struct snag_opencl_stats *stats)
{
    fprintf(out, "\nOpenCL host calls by host time\n");
    fprintf(out, "  %-36s %8s %12s %10s %7s\n", "FUNCTION", "CALLS", "HOST TIME", "MAX", "ERRORS");
    for (size_t index = 0; index < snag_opencl_stats_api_count(stats); index++) {
        const struct snag_opencl_api_stats *api = snag_opencl_stats_api(stats, index);
        char total[32], maximum[32];
        fprintf(out, "  %-36s %8" PRIu64 " %12s %10s %7" PRIu64 "\n", snag_opencl_function_name(api->function),
                api->calls, snag_text_duration(api->host_ns_total, total, sizeof total),
                snag_text_duration(api->host_ns_max, maximum, sizeof maximum), api->errors);
    }
}

static void print_busy(FILE *out, const struct snag_trace *trace, const struct snag_opencl_stats *stats)
{
    fprintf(out, "\nOpenCL device utilisation (busy: the union of commands' device time)\n");
    fprintf(out, "  %-7s %-40s %8s %12s %12s %6s %14s\n", "PID", "QUEUE / DEVICE", "COMMANDS", "BUSY", "SPAN", "BUSY%",
            "WAITED ON HOST");
    for (size_t index = 0; index < snag_opencl_stats_busy_count(stats); index++) {
        const struct snag_opencl_busy_stats *busy = snag_opencl_stats_busy(stats, index);
        char what[128], name[96], time[32], span_text[32], idle[32];
        uint64_t span = busy->last_ns > busy->first_ns ? busy->last_ns - busy->first_ns : 0;
        if (busy->queue != SNAG_NO_INDEX) snprintf(what, sizeof what, "queue %u", busy->queue + 1);
        else snprintf(what, sizeof what, "device %s", snag_text_sanitize(busy->device_name, name, sizeof name));
        fprintf(out, "  %-7d %-40.40s %8" PRIu64 " %12s %12s %5.1f%% %14s\n", process_pid(trace, busy->process), what,
                busy->commands, snag_text_duration(busy->busy_ns, time, sizeof time),
                snag_text_duration(span, span_text, sizeof span_text),
                span ? 100.0 * (double)busy->busy_ns / (double)span : 0.0,
                snag_text_duration(busy->host_idle_ns, idle, sizeof idle));
    }
}

static void print_threads(FILE *out, const struct snag_trace *trace, const struct snag_opencl_stats *stats)
{
    fprintf(out, "\nOpenCL host time blocked on the device, per thread\n");
    fprintf(out, "  %-8s %-16s %8s %12s %8s %12s\n", "TID", "NAME", "CALLS", "HOST TIME", "WAITS", "BLOCKED");
    for (size_t index = 0; index < snag_opencl_stats_thread_count(stats); index++) {
        const struct snag_opencl_thread_stats *thread = snag_opencl_stats_thread(stats, index);
        const struct snag_thread_info *info = snag_trace_thread(trace, thread->thread);
        char name[64], host[32], blocked[32];
        fprintf(out, "  %-8d %-16.16s %8" PRIu64 " %12s %8" PRIu64 " %12s\n", info ? info->tid : 0,
                snag_text_sanitize(info ? info->name : "", name, sizeof name), thread->calls,
                snag_text_duration(thread->host_ns_total, host, sizeof host), thread->waits,
                snag_text_duration(thread->blocked_ns, blocked, sizeof blocked));
    }
}

static void finding_text(const struct snag_trace *trace, struct snag_names *names,
                         const struct snag_opencl_finding *finding, char *out, size_t size)
{
    char site[768] = "";
    if (finding->site) snag_names_site_text(names, finding->process, finding->site, site, sizeof site);
    snag_opencl_finding_message(trace, finding, site, out, size);
}

void report_opencl_text(FILE *out, const struct snag_trace *trace, struct snag_names *names,
                        const struct snag_opencl_stats *stats)
{
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    if (snag_opencl_call_count(log) == 0) return;
    fprintf(out, "\nOpenCL: %zu host calls, %zu device commands\n", snag_opencl_call_count(log),
            snag_opencl_command_count(log));
    print_clocks(out, trace, log);
    print_kernels(out, stats);
    print_transfers(out, stats);
    print_api(out, stats);
    print_busy(out, trace, stats);
    print_threads(out, trace, stats);
    size_t count = snag_opencl_stats_finding_count(stats);
    fprintf(out, "\nOpenCL findings (%zu)\n", count);
    if (count == 0) fprintf(out, "  none\n");
    for (size_t index = 0; index < count; index++) {
        const struct snag_opencl_finding *finding = snag_opencl_stats_finding(stats, index);
        char message[2048], safe[2048];
        finding_text(trace, names, finding, message, sizeof message);
        fprintf(out, "  [%s] opencl/%s: %s\n", snag_severity_name(finding->severity), finding->subkind,
                snag_text_sanitize(message, safe, sizeof safe));
    }
}

uint64_t report_opencl_thread_blocked_ns(const struct snag_opencl_stats *stats, uint32_t thread)
{
    for (size_t index = 0; index < snag_opencl_stats_thread_count(stats); index++)
        if (snag_opencl_stats_thread(stats, index)->thread == thread)
            return snag_opencl_stats_thread(stats, index)->blocked_ns;
    return 0;
}

void report_opencl_summary(FILE *out, const struct snag_trace *trace)
{
    if (snag_opencl_call_count(snag_trace_opencl(trace)) == 0) return;
    struct snag_opencl_stats *stats = snag_opencl_stats_compute(trace);
    if (!stats) return;
    uint64_t launches = 0, busy_ns = 0, span_ns = 0, blocked_ns = 0;
    for (size_t index = 0; index < snag_opencl_stats_kernel_count(stats); index++)
        launches += snag_opencl_stats_kernel(stats, index)->launches;
    for (size_t index = 0; index < snag_opencl_stats_busy_count(stats); index++) {
        const struct snag_opencl_busy_stats *busy = snag_opencl_stats_busy(stats, index);
        if (busy->queue != SNAG_NO_INDEX) continue; /* devices only */
        busy_ns += busy->busy_ns;
        span_ns += busy->last_ns > busy->first_ns ? busy->last_ns - busy->first_ns : 0;
    }
    for (size_t index = 0; index < snag_opencl_stats_thread_count(stats); index++)
        blocked_ns += snag_opencl_stats_thread(stats, index)->blocked_ns;
    char blocked[32];
    fprintf(out, "snag: OpenCL: %" PRIu64 " kernel launch%s, device busy %.0f%% of its active time, host blocked on it %s",
            launches, launches == 1 ? "" : "es", span_ns ? 100.0 * (double)busy_ns / (double)span_ns : 0.0,
            snag_text_duration(blocked_ns, blocked, sizeof blocked));
    size_t findings = snag_opencl_stats_finding_count(stats);
    if (findings) fprintf(out, ", %zu finding%s", findings, findings == 1 ? "" : "s");
    fprintf(out, "\n");
    snag_opencl_stats_free(stats);
}

static void json_figure(struct json *json, const char *key, uint64_t value)
{
    json_key(json, key);
    json_uint(json, value);
}

void report_opencl_json(struct json *json, const struct snag_trace *trace, const struct snag_opencl_stats *stats)
{
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    json_key(json, "opencl");
    json_begin_object(json);
    json_figure(json, "calls", snag_opencl_call_count(log));
    json_figure(json, "commands", snag_opencl_command_count(log));
    json_key(json, "kernels");
    json_begin_array(json);
    for (size_t index = 0; index < snag_opencl_stats_kernel_count(stats); index++) {
        const struct snag_opencl_kernel_stats *kernel = snag_opencl_stats_kernel(stats, index);
        json_begin_object(json);
        json_key(json, "name");
        json_string(json, kernel->name);
        json_figure(json, "launches", kernel->launches);
        json_figure(json, "device_ns_total", kernel->device_ns_total);
        json_figure(json, "device_ns_max", kernel->device_ns_max);
        json_figure(json, "queued_to_start_ns_total", kernel->queued_to_start_ns_total);
        json_end_object(json);
    }
    json_end_array(json);
    json_key(json, "transfers");
    json_begin_array(json);
    for (size_t index = 0; index < snag_opencl_stats_transfer_count(stats); index++) {
        const struct snag_opencl_transfer_stats *transfer = snag_opencl_stats_transfer(stats, index);
        json_begin_object(json);
        json_key(json, "kind");
        json_string(json, transfer->kind);
        json_figure(json, "count", transfer->count);
        json_figure(json, "bytes", transfer->bytes);
        json_figure(json, "device_ns_total", transfer->device_ns_total);
        json_end_object(json);
    }
    json_end_array(json);
    json_key(json, "api");
    json_begin_array(json);
    for (size_t index = 0; index < snag_opencl_stats_api_count(stats); index++) {
        const struct snag_opencl_api_stats *api = snag_opencl_stats_api(stats, index);
        json_begin_object(json);
        json_key(json, "function");
        json_string(json, snag_opencl_function_name(api->function));
        json_figure(json, "calls", api->calls);
        json_figure(json, "errors", api->errors);
        json_figure(json, "host_ns_total", api->host_ns_total);
        json_figure(json, "host_ns_max", api->host_ns_max);
        json_end_object(json);
    }
    json_end_array(json);
    json_key(json, "utilisation");
    json_begin_array(json);
    for (size_t index = 0; index < snag_opencl_stats_busy_count(stats); index++) {
        const struct snag_opencl_busy_stats *busy = snag_opencl_stats_busy(stats, index);
        json_begin_object(json);
        json_key(json, "pid");
        json_int(json, process_pid(trace, busy->process));
        json_key(json, "queue");
        if (busy->queue == SNAG_NO_INDEX) json_null(json);
        else json_uint(json, busy->queue + 1);
        json_key(json, "device");
        json_string(json, busy->device_name);
        json_figure(json, "commands", busy->commands);
        json_figure(json, "busy_ns", busy->busy_ns);
        json_figure(json, "host_idle_ns", busy->host_idle_ns);
        json_figure(json, "span_ns", busy->last_ns > busy->first_ns ? busy->last_ns - busy->first_ns : 0);
        json_end_object(json);
    }
    json_end_array(json);
    json_key(json, "threads");
    json_begin_array(json);
    for (size_t index = 0; index < snag_opencl_stats_thread_count(stats); index++) {
        const struct snag_opencl_thread_stats *thread = snag_opencl_stats_thread(stats, index);
        json_begin_object(json);
        json_key(json, "tid");
        json_int(json, thread_tid(trace, thread->thread));
        json_figure(json, "calls", thread->calls);
        json_figure(json, "host_ns_total", thread->host_ns_total);
        json_figure(json, "waits", thread->waits);
        json_figure(json, "blocked_ns", thread->blocked_ns);
        json_end_object(json);
    }
    json_end_array(json);
    json_key(json, "clocks");
    json_begin_array(json);
    for (size_t index = 0; index < snag_opencl_clock_count(log); index++) {
        const struct snag_opencl_clock *clock = snag_opencl_clock(log, index);
        json_begin_object(json);
        json_key(json, "pid");
        json_int(json, process_pid(trace, clock->process));
        json_key(json, "method");
        json_string(json, clock->method == SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER ? "device_and_host_timer" : "measured");
        json_key(json, "offset_ns");
        json_int(json, clock->offset_ns);
        json_figure(json, "uncertainty_ns", clock->uncertainty_ns);
        json_figure(json, "samples", clock->samples);
        json_end_object(json);
    }
    json_end_array(json);
    json_end_object(json);
}

void report_opencl_json_findings(struct json *json, const struct snag_trace *trace, struct snag_names *names,
                                 const struct snag_opencl_stats *stats)
{
    for (size_t index = 0; index < snag_opencl_stats_finding_count(stats); index++) {
        const struct snag_opencl_finding *finding = snag_opencl_stats_finding(stats, index);
        char message[2048];
        finding_text(trace, names, finding, message, sizeof message);
        json_begin_object(json);
        json_key(json, "kind");
        json_string(json, "opencl");
        json_key(json, "subkind");
        json_string(json, finding->subkind);
        json_key(json, "severity");
        json_string(json, snag_severity_name(finding->severity));
        json_key(json, "pid");
        json_int(json, process_pid(trace, finding->process));
        json_figure(json, "time_ns", finding->time_ns);
        json_figure(json, "occurrences", finding->occurrences);
        json_key(json, "message");
        json_string(json, message);
        json_key(json, "threads");
        json_begin_array(json);
        if (finding->thread != SNAG_NO_INDEX) {
            json_begin_object(json);
            json_key(json, "tid");
            json_int(json, thread_tid(trace, finding->thread));
            json_key(json, "pid");
            json_int(json, process_pid(trace, finding->process));
            json_key(json, "role");
            json_string(json, "called OpenCL");
            json_end_object(json);
        }
        json_end_array(json);
        json_key(json, "locks");
        json_begin_array(json);
        json_end_array(json);
        json_key(json, "stacks");
        json_begin_array(json);
        json_end_array(json);
        json_key(json, "child_pid");
        json_null(json);
        json_end_object(json);
    }
}
