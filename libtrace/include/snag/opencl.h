/* OpenCL in a trace, decoded: the host API calls each thread made, the
 * commands the devices ran (on the trace's time base), the command queues
 * and the device clocks' calibrations. Built by the reader when it opens a
 * trace; the statistics over it are in snag/opencl_stats.h. */
#ifndef SNAG_OPENCL_H
#define SNAG_OPENCL_H

#include <stddef.h>
#include <stdint.h>

#include "snag/reader.h"

/* One OpenCL API call. */
struct snag_opencl_call {
    uint64_t start_ns, end_ns;  /* trace time */
    uint32_t process, thread;
    uint32_t function;          /* enum snag_opencl_function */
    int32_t result;             /* what the call returned (cl_int) */
    uint16_t flags;             /* SNAG_OPENCL_* */
    uint16_t work_dim;
    uint32_t queue;             /* index of its queue, SNAG_NO_INDEX if none or unknown */
    uint32_t command;           /* index of the command it enqueued, SNAG_NO_INDEX if none */
    uint64_t command_id;        /* the id that command's record carries, 0 if none */
    uint64_t site;              /* the caller's return address */
    uint64_t queue_handle, object, event, bytes, detail; /* as in struct snag_opencl_call_record */
    uint64_t global_size[3], local_size[3];
    const char *text;           /* a failed build's log, or ""; untrusted: sanitise before display */
};

/* One command a device ran, its times mapped onto the trace's time base. */
struct snag_opencl_command {
    uint32_t process;
    uint32_t call;              /* the call that enqueued it, SNAG_NO_INDEX if its record was lost */
    uint32_t queue;             /* index of its queue, SNAG_NO_INDEX if unknown */
    uint32_t command_type;      /* CL_COMMAND_* */
    int32_t status;             /* 0 = complete, negative: the error that ended it */
    int profiled;               /* 0: the device gave no times (the times below are 0) */
    uint64_t queued_ns, submit_ns, start_ns, end_ns; /* trace time */
    const char *kernel;         /* a kernel command's kernel name, NULL otherwise or unknown; untrusted */
};

struct snag_opencl_queue {
    uint32_t process;
    uint64_t handle;
    uint64_t device;
    uint64_t properties;        /* what the program asked for (CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, ...) */
    const char *device_name;    /* untrusted */
    uint32_t clock;             /* index of its device's clock, SNAG_NO_INDEX if none */
    uint64_t created_ns;
};

/* How a device's timestamps were put on the host's time base. */
struct snag_opencl_clock {
    uint32_t process;
    uint64_t device;
    uint32_t method;            /* enum snag_opencl_clock_method */
    int64_t offset_ns;          /* device ns - host CLOCK_MONOTONIC ns */
    uint64_t uncertainty_ns;    /* +- this much */
    uint64_t samples;           /* commands the measured offset was bounded by (0 for the timer) */
};

struct snag_opencl_log;
const struct snag_opencl_log *snag_trace_opencl(const struct snag_trace *trace);

/* Calls in time order (ties: by thread). */
size_t snag_opencl_call_count(const struct snag_opencl_log *log);
const struct snag_opencl_call *snag_opencl_call(const struct snag_opencl_log *log, size_t index);
/* Commands by their start on the device (unprofiled ones by their call). */
size_t snag_opencl_command_count(const struct snag_opencl_log *log);
const struct snag_opencl_command *snag_opencl_command(const struct snag_opencl_log *log, size_t index);
size_t snag_opencl_queue_count(const struct snag_opencl_log *log);
const struct snag_opencl_queue *snag_opencl_queue(const struct snag_opencl_log *log, size_t index);
size_t snag_opencl_clock_count(const struct snag_opencl_log *log);
const struct snag_opencl_clock *snag_opencl_clock(const struct snag_opencl_log *log, size_t index);

/* "clEnqueueNDRangeKernel", ...; "unknown" for a number this reader does not know. */
const char *snag_opencl_function_name(uint32_t function);
/* "read", "write", "copy", "map", "fill" for the transfer functions, else NULL. */
const char *snag_opencl_transfer_kind(uint32_t function);
/* 1 for the functions that enqueue a kernel (NDRange, task). */
int snag_opencl_is_kernel_launch(uint32_t function);
/* What a device command did, for display: its kernel's name
 * ("vector_add"), a transfer and its size ("read 1048576 B"), or the
 * function that enqueued it ("clEnqueueMarkerWithWaitList"). Untrusted (a
 * kernel's name): sanitise before display. */
const char *snag_opencl_command_name(const struct snag_opencl_log *log, const struct snag_opencl_command *command,
                                     char *out, size_t size);
/* "clGetDeviceAndHostTimer", "measured from enqueue times". */
const char *snag_opencl_clock_method_name(uint32_t method);

#endif
