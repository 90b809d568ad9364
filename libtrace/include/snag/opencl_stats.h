/* Statistics and findings over a trace's OpenCL log (snag/opencl.h): the
 * figures behind the OpenCL section of `snag report`. */
#ifndef SNAG_OPENCL_STATS_H
#define SNAG_OPENCL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "snag/opencl.h"

struct snag_opencl_kernel_stats {
    const char *name;                 /* the kernel's function name ("(unknown)" if not recorded); untrusted */
    uint64_t launches;
    uint64_t device_ns_total, device_ns_max;  /* START to END on the device */
    uint64_t queued_to_start_ns_total, queued_to_start_ns_max;
    uint64_t profiled;                /* launches with device times (the averages' divisor) */
};

struct snag_opencl_transfer_stats {
    const char *kind;                 /* "read", "write", "copy", "map", "fill" */
    uint64_t count;
    uint64_t bytes;
    uint64_t device_ns_total;
};

struct snag_opencl_api_stats {
    uint32_t function;                /* enum snag_opencl_function */
    uint64_t calls;
    uint64_t errors;                  /* calls that returned an error */
    uint64_t host_ns_total, host_ns_max;
};

/* Utilisation of a queue, or of a device (all queues of one device in a process). */
struct snag_opencl_busy_stats {
    uint32_t process;
    uint32_t queue;                   /* queue index (SNAG_NO_INDEX for a device row) */
    uint64_t device;
    const char *device_name;          /* untrusted */
    uint64_t commands;
    uint64_t busy_ns;                 /* the union of its commands' START..END */
    uint64_t host_idle_ns;            /* idle with nothing queued: waiting for the host to enqueue */
    uint64_t first_ns, last_ns;       /* first START, last END */
};

struct snag_opencl_thread_stats {
    uint32_t thread;                  /* trace-wide thread index */
    uint64_t calls, host_ns_total;
    uint64_t waits;                   /* calls in which the host waited for the device */
    uint64_t blocked_ns;              /* their time */
};

/* A problem in how the program uses OpenCL. kind "opencl"; subkinds:
 *   serialising_blocking_read: every kernel launch on a queue was followed by
 *     a blocking read, so host and device took turns instead of overlapping.
 *   in_order_queue_serialised: the device's commands never overlapped, and
 *     it sat idle with nothing queued, waiting for the host, at least 30% of
 *     the time from its first to its last command.
 *   program_rebuilt: the same program source was built again and again.
 *   event_leaked: events the program got were never released.
 *   finish_in_loop: clFinish from one call site, over and over.
 * To fold these into the general findings API later: each maps onto one
 * snag_finding (kind "opencl", the subkind, severity, process, thread,
 * time_ns, occurrences) with the site as its stack and the queue as its
 * object. */
struct snag_opencl_finding {
    const char *subkind;
    int severity;                     /* enum snag_finding_severity values: 1 low, 2 high */
    uint32_t process;
    uint32_t thread;                  /* SNAG_NO_INDEX if it is not about one thread */
    uint32_t queue;                   /* SNAG_NO_INDEX if it is not about one queue */
    uint64_t time_ns;                 /* when it first happened */
    uint64_t occurrences;
    uint64_t site;                    /* the call site it is about, 0 if none */
    uint64_t amount_ns;               /* time it cost: waits, builds (0 if not about time) */
    uint64_t percent;                 /* in_order_queue_serialised: the share of time the device waited for the host */
};

struct snag_opencl_stats;
/* NULL only when out of memory. */
struct snag_opencl_stats *snag_opencl_stats_compute(const struct snag_trace *trace);
void snag_opencl_stats_free(struct snag_opencl_stats *stats);

/* Kernels by device time, descending. */
size_t snag_opencl_stats_kernel_count(const struct snag_opencl_stats *stats);
const struct snag_opencl_kernel_stats *snag_opencl_stats_kernel(const struct snag_opencl_stats *stats, size_t index);
/* The five transfer kinds, in the order read, write, copy, map, fill. */
size_t snag_opencl_stats_transfer_count(const struct snag_opencl_stats *stats);
const struct snag_opencl_transfer_stats *snag_opencl_stats_transfer(const struct snag_opencl_stats *stats, size_t index);
/* Functions called, by host time, descending. */
size_t snag_opencl_stats_api_count(const struct snag_opencl_stats *stats);
const struct snag_opencl_api_stats *snag_opencl_stats_api(const struct snag_opencl_stats *stats, size_t index);
/* Queues, then devices, in the log's order. */
size_t snag_opencl_stats_busy_count(const struct snag_opencl_stats *stats);
const struct snag_opencl_busy_stats *snag_opencl_stats_busy(const struct snag_opencl_stats *stats, size_t index);
/* Threads that called OpenCL, by time blocked, descending. */
size_t snag_opencl_stats_thread_count(const struct snag_opencl_stats *stats);
const struct snag_opencl_thread_stats *snag_opencl_stats_thread(const struct snag_opencl_stats *stats, size_t index);
/* Most severe first, then in time order. */
size_t snag_opencl_stats_finding_count(const struct snag_opencl_stats *stats);
const struct snag_opencl_finding *snag_opencl_stats_finding(const struct snag_opencl_stats *stats, size_t index);

/* One sentence about a finding. `site_text` names its call site ("" if
 * none); thread ids come from the trace. */
void snag_opencl_finding_message(const struct snag_trace *trace, const struct snag_opencl_finding *finding,
                                 const char *site_text, char *out, size_t size);

#endif
