/* The OpenCL section of `snag report`: kernels, transfers, host API calls,
 * device utilisation, host time blocked on the device, OpenCL findings. */
#ifndef SNAG_TOOLS_REPORT_OPENCL_H
#define SNAG_TOOLS_REPORT_OPENCL_H

#include <stdio.h>

#include "json.h"
#include "snag/names.h"
#include "snag/opencl_stats.h"

/* Nothing when the trace has no OpenCL calls. */
void report_opencl_text(FILE *out, const struct snag_trace *trace, struct snag_names *names,
                        const struct snag_opencl_stats *stats);
/* One line for `snag run`'s summary (on `out`): launches, device busy
 * share, host time blocked on the device; nothing without OpenCL. */
void report_opencl_summary(FILE *out, const struct snag_trace *trace);
/* Time `thread` (trace-wide index) spent waiting for an OpenCL device. */
uint64_t report_opencl_thread_blocked_ns(const struct snag_opencl_stats *stats, uint32_t thread);
/* The "opencl" key and its object. */
void report_opencl_json(struct json *json, const struct snag_trace *trace, const struct snag_opencl_stats *stats);
/* The OpenCL findings as elements of the report's "findings" array. */
void report_opencl_json_findings(struct json *json, const struct snag_trace *trace, struct snag_names *names,
                                 const struct snag_opencl_stats *stats);

#endif
