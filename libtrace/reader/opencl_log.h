/* How the reader fills the OpenCL log (opencl.c) while it scans a trace:
 * internal to the reader library; consumers use snag/opencl.h. */
#ifndef SNAG_READER_OPENCL_LOG_H
#define SNAG_READER_OPENCL_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "snag/opencl.h"

/* Where a record came from, and its file's clock. */
struct opencl_record_source {
    uint32_t process;
    uint32_t thread;
    const void *file;
    uint64_t (*monotonic_ns)(const void *file, uint64_t ticks); /* the file's ticks in CLOCK_MONOTONIC ns */
};

/* Takes one OpenCL record (type SNAG_REC_OPENCL_FIRST..LAST); creates the log
 * on the first. A record too short for its type is skipped; returns -1 only
 * when out of memory. */
int opencl_log_take(struct snag_opencl_log **log, const struct opencl_record_source *source, uint8_t type,
                    uint64_t ticks, const uint8_t *payload, size_t size);
/* After the last record: links commands to calls, kernels and queues,
 * calibrates the device clocks and puts everything on the trace's time base. */
int opencl_log_finish(struct snag_opencl_log *log, uint64_t trace_start_monotonic_ns);
void opencl_log_free(struct snag_opencl_log *log);
/* `log`, or an empty log for a trace without OpenCL. */
const struct snag_opencl_log *opencl_log_or_empty(const struct snag_opencl_log *log);

#endif
