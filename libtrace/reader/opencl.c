/* The OpenCL log of a trace: decoding of the OPENCL_* records, and the
 * mapping of device timestamps onto the host's time base (see snag/opencl.h). */
#define _GNU_SOURCE
#include "opencl_log.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/format.h"

/* An OPENCL_COMMAND as read: device times, before the clocks are known. */
struct pending_command {
    uint32_t process;
    uint64_t id;
    uint64_t queue_handle;
    uint64_t device_ns[4]; /* queued, submit, start, end */
    uint32_t command_type;
    int32_t status;
};

struct object {
    uint32_t process;
    uint32_t kind;
    uint64_t handle, parent, value;
    uint64_t time_ns; /* monotonic */
    char *name;
};

struct timer_reading {
    uint32_t process;
    uint64_t device;
    uint64_t device_ns;
    uint64_t before_ns, after_ns; /* monotonic */
};

struct snag_opencl_log {
    struct snag_opencl_call *calls;
    size_t call_count, call_capacity;
    struct pending_command *pending;
    size_t pending_count, pending_capacity;
    struct object *objects;
    size_t object_count, object_capacity;
    struct timer_reading *readings;
    size_t reading_count, reading_capacity;
    struct snag_opencl_command *commands;
    size_t command_count;
    struct snag_opencl_queue *queues;
    size_t queue_count;
    struct snag_opencl_clock *clocks;
    size_t clock_count;
};

static int grow(void **array, size_t *capacity, size_t count, size_t element_size)
{
    if (count < *capacity) return 0;
    size_t next = *capacity ? *capacity * 2 : 64;
    void *bigger = realloc(*array, next * element_size);
    if (!bigger) return -1;
    *array = bigger;
    *capacity = next;
    return 0;
}
#define GROW(array, capacity, count) grow((void **)&(array), &(capacity), (count), sizeof *(array))

/* Text from the trace: up to its NUL or the end of the record. */
static char *copy_text(const uint8_t *bytes, size_t max)
{
    size_t length = strnlen((const char *)bytes, max);
    char *text = malloc(length + 1);
    if (!text) return NULL;
    memcpy(text, bytes, length);
    text[length] = '\0';
    return text;
}

static const char empty_text[] = "";

int opencl_log_take(struct snag_opencl_log **log_out, const struct opencl_record_source *source, uint8_t type,
                    uint64_t ticks, const uint8_t *payload, size_t size)
{
    if (!*log_out && !(*log_out = calloc(1, sizeof **log_out))) return -1;
    struct snag_opencl_log *log = *log_out;
    switch (type) {
    case SNAG_REC_OPENCL_CALL: {
        struct snag_opencl_call_record record;
        if (size < sizeof record) return 0;
        memcpy(&record, payload, sizeof record);
        if (GROW(log->calls, log->call_capacity, log->call_count)) return -1;
        const char *text = empty_text;
        if (size > sizeof record && payload[sizeof record] != 0) {
            char *copy = copy_text(payload + sizeof record, size - sizeof record);
            if (!copy) return -1;
            text = copy;
        }
        struct snag_opencl_call *call = &log->calls[log->call_count++];
        *call = (struct snag_opencl_call){
            .start_ns = source->monotonic_ns(source->file, ticks),
            .end_ns = source->monotonic_ns(source->file, record.end_ticks),
            .process = source->process,
            .thread = source->thread,
            .function = record.function,
            .result = record.result,
            .flags = record.flags,
            .work_dim = record.work_dim,
            .queue = SNAG_NO_INDEX,
            .command = SNAG_NO_INDEX,
            .command_id = record.command,
            .site = record.site,
            .queue_handle = record.queue,
            .object = record.object,
            .event = record.event,
            .bytes = record.bytes,
            .detail = record.detail,
            .text = text,
        };
        memcpy(call->global_size, record.global_size, sizeof call->global_size);
        memcpy(call->local_size, record.local_size, sizeof call->local_size);
        if (call->end_ns < call->start_ns) call->end_ns = call->start_ns;
        break;
    }
    case SNAG_REC_OPENCL_COMMAND: {
        struct snag_opencl_command_record record;
        if (size < sizeof record) return 0;
        memcpy(&record, payload, sizeof record);
        if (GROW(log->pending, log->pending_capacity, log->pending_count)) return -1;
        log->pending[log->pending_count++] = (struct pending_command){
            .process = source->process,
            .id = record.command,
            .queue_handle = record.queue,
            .device_ns = {record.queued_ns, record.submit_ns, record.start_ns, record.end_ns},
            .command_type = record.command_type,
            .status = record.status,
        };
        break;
    }
    case SNAG_REC_OPENCL_OBJECT: {
        struct snag_opencl_object_record record;
        if (size < sizeof record) return 0;
        memcpy(&record, payload, sizeof record);
        if (GROW(log->objects, log->object_capacity, log->object_count)) return -1;
        char *name = copy_text(payload + sizeof record, size - sizeof record);
        if (!name) return -1;
        log->objects[log->object_count++] = (struct object){
            .process = source->process,
            .kind = record.kind,
            .handle = record.handle,
            .parent = record.parent,
            .value = record.value,
            .time_ns = source->monotonic_ns(source->file, ticks),
            .name = name,
        };
        break;
    }
    case SNAG_REC_OPENCL_CLOCK: {
        struct snag_opencl_clock_record record;
        if (size < sizeof record) return 0;
        memcpy(&record, payload, sizeof record);
        if (GROW(log->readings, log->reading_capacity, log->reading_count)) return -1;
        struct timer_reading reading = {.process = source->process, .device = record.device};
        if (record.method == SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER) {
            reading.device_ns = record.device_ns;
            reading.before_ns = source->monotonic_ns(source->file, record.host_ticks_before);
            reading.after_ns = source->monotonic_ns(source->file, record.host_ticks_after);
        }
        log->readings[log->reading_count++] = reading;
        break;
    }
    default: break; /* a newer OpenCL record: skipped */
    }
    return 0;
}

/* ---- finishing ---- */

struct command_link {
    uint32_t process;
    uint64_t id;
    uint32_t call;
};

static int compare_links(const void *left, const void *right)
{
    const struct command_link *a = left, *b = right;
    if (a->process != b->process) return a->process < b->process ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static int compare_objects(const void *left, const void *right)
{
    const struct object *a = left, *b = right;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    if (a->process != b->process) return a->process < b->process ? -1 : 1;
    if (a->handle != b->handle) return a->handle < b->handle ? -1 : 1;
    return (a->time_ns > b->time_ns) - (a->time_ns < b->time_ns);
}

/* The object of `kind` that `handle` named at `time_ns` in `process`: the
 * newest created before then (handles are reused after a release), else
 * the first. */
static const struct object *object_at(const struct snag_opencl_log *log, uint32_t kind, uint32_t process,
                                      uint64_t handle, uint64_t time_ns)
{
    size_t low = 0, high = log->object_count;
    struct object key = {.kind = kind, .process = process, .handle = handle};
    while (low < high) { /* first entry >= (kind, process, handle) */
        size_t middle = low + (high - low) / 2;
        if (compare_objects(&log->objects[middle], &key) < 0) low = middle + 1;
        else high = middle;
    }
    const struct object *found = NULL;
    for (size_t index = low; index < log->object_count; index++) {
        const struct object *object = &log->objects[index];
        if (object->kind != kind || object->process != process || object->handle != handle) break;
        if (!found || object->time_ns <= time_ns) found = object;
        else break;
    }
    return found;
}

static uint32_t queue_index_at(const struct snag_opencl_log *log, uint32_t process, uint64_t handle, uint64_t time_ns)
{
    const struct object *object = object_at(log, SNAG_OPENCL_QUEUE, process, handle, time_ns);
    if (!object) return SNAG_NO_INDEX;
    /* queue objects come first in sort order and are the queue list, in the same order */
    return (uint32_t)(object - log->objects);
}

static uint32_t clock_for(struct snag_opencl_log *log, uint32_t process, uint64_t device)
{
    for (size_t index = 0; index < log->clock_count; index++)
        if (log->clocks[index].process == process && log->clocks[index].device == device) return (uint32_t)index;
    return SNAG_NO_INDEX;
}

static int build_queues_and_clocks(struct snag_opencl_log *log)
{
    size_t queue_count = 0;
    while (queue_count < log->object_count && log->objects[queue_count].kind == SNAG_OPENCL_QUEUE) queue_count++;
    log->queues = calloc(queue_count ? queue_count : 1, sizeof *log->queues);
    log->clocks = calloc(queue_count ? queue_count : 1, sizeof *log->clocks);
    if (!log->queues || !log->clocks) return -1;
    for (size_t index = 0; index < queue_count; index++) {
        const struct object *object = &log->objects[index];
        uint32_t clock = clock_for(log, object->process, object->parent);
        if (clock == SNAG_NO_INDEX) {
            clock = (uint32_t)log->clock_count++;
            log->clocks[clock] = (struct snag_opencl_clock){
                .process = object->process, .device = object->parent, .method = SNAG_OPENCL_CLOCK_MEASURED};
            for (size_t reading = 0; reading < log->reading_count; reading++) {
                const struct timer_reading *timer = &log->readings[reading];
                if (timer->process != object->process || timer->device != object->parent || !timer->after_ns)
                    continue;
                uint64_t middle = timer->before_ns + (timer->after_ns - timer->before_ns) / 2;
                log->clocks[clock].method = SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER;
                log->clocks[clock].offset_ns = (int64_t)(timer->device_ns - middle);
                log->clocks[clock].uncertainty_ns = (timer->after_ns - timer->before_ns) / 2;
                break;
            }
        }
        log->queues[index] = (struct snag_opencl_queue){
            .process = object->process,
            .handle = object->handle,
            .device = object->parent,
            .properties = object->value,
            .device_name = object->name,
            .clock = clock,
            .created_ns = object->time_ns,
        };
    }
    log->queue_count = queue_count;
    return 0;
}

/* A device without a host timer: each command's QUEUED time was taken
 * inside its enqueue call, so offset = QUEUED - host time lies within
 * [QUEUED - call end, QUEUED - call start]. The intersection over all
 * commands bounds it; if the bounds cross (the runtime took QUEUED after
 * returning), the lower one keeps every QUEUED inside or before its call. */
static void measure_clocks(struct snag_opencl_log *log)
{
    for (size_t index = 0; index < log->clock_count; index++) {
        struct snag_opencl_clock *clock = &log->clocks[index];
        if (clock->method != SNAG_OPENCL_CLOCK_MEASURED) continue;
        int64_t lower = INT64_MIN, upper = INT64_MAX;
        uint64_t samples = 0;
        for (size_t command_index = 0; command_index < log->command_count; command_index++) {
            const struct snag_opencl_command *command = &log->commands[command_index];
            if (!command->profiled || command->call == SNAG_NO_INDEX || command->queue == SNAG_NO_INDEX ||
                log->queues[command->queue].clock != index)
                continue;
            const struct snag_opencl_call *call = &log->calls[command->call];
            int64_t low = (int64_t)(command->queued_ns - call->end_ns);
            int64_t high = (int64_t)(command->queued_ns - call->start_ns);
            if (low > lower) lower = low;
            if (high < upper) upper = high;
            samples++;
        }
        clock->samples = samples;
        if (!samples) continue;
        /* unsigned widths: bounds from a damaged trace may be far apart */
        if (lower <= upper) {
            uint64_t width = (uint64_t)upper - (uint64_t)lower;
            clock->offset_ns = lower + (int64_t)(width / 2);
            clock->uncertainty_ns = width / 2;
        } else {
            clock->offset_ns = lower;
            clock->uncertainty_ns = (uint64_t)lower - (uint64_t)upper;
        }
    }
}

static int compare_calls(const void *left, const void *right)
{
    const struct snag_opencl_call *a = left, *b = right;
    if (a->start_ns != b->start_ns) return a->start_ns < b->start_ns ? -1 : 1;
    return (a->thread > b->thread) - (a->thread < b->thread);
}

static int compare_commands(const void *left, const void *right)
{
    const struct snag_opencl_command *a = left, *b = right;
    if (a->start_ns != b->start_ns) return a->start_ns < b->start_ns ? -1 : 1;
    return (a->end_ns > b->end_ns) - (a->end_ns < b->end_ns);
}

/* A device time on the trace's time base: 0 before the trace's start. */
static uint64_t on_trace(int64_t offset_ns, uint64_t device_ns, uint64_t start)
{
    __int128 host = (__int128)device_ns - offset_ns - (__int128)start;
    return host <= 0 ? 0 : host >= (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)host;
}

/* The enqueueing call of each device record, by (process, command id). */
static int link_commands_to_calls(struct snag_opencl_log *log)
{
    struct command_link *links = calloc(log->call_count ? log->call_count : 1, sizeof *links);
    if (!links) return -1;
    size_t link_count = 0;
    for (size_t index = 0; index < log->call_count; index++)
        if (log->calls[index].command_id)
            links[link_count++] = (struct command_link){log->calls[index].process, log->calls[index].command_id,
                                                        (uint32_t)index};
    if (link_count > 1) qsort(links, link_count, sizeof *links, compare_links);
    for (size_t index = 0; index < log->command_count; index++) {
        struct snag_opencl_command *command = &log->commands[index];
        const struct pending_command *device = &log->pending[index];
        struct command_link key = {device->process, device->id, 0};
        const struct command_link *found = bsearch(&key, links, link_count, sizeof *links, compare_links);
        command->call = found ? found->call : SNAG_NO_INDEX;
        uint64_t when = found ? log->calls[found->call].start_ns : 0;
        command->queue = queue_index_at(log, device->process, device->queue_handle, when);
        if (found) {
            const struct snag_opencl_call *call = &log->calls[found->call];
            if (snag_opencl_is_kernel_launch(call->function)) {
                const struct object *kernel = object_at(log, SNAG_OPENCL_KERNEL, call->process, call->object, when);
                if (kernel) command->kernel = kernel->name;
            }
        }
    }
    free(links);
    return 0;
}

int opencl_log_finish(struct snag_opencl_log *log, uint64_t start)
{
    if (!log) return 0;
    if (log->call_count > 1) qsort(log->calls, log->call_count, sizeof *log->calls, compare_calls);
    if (log->object_count > 1) qsort(log->objects, log->object_count, sizeof *log->objects, compare_objects);
    if (build_queues_and_clocks(log)) return -1;
    for (size_t index = 0; index < log->call_count; index++) {
        struct snag_opencl_call *call = &log->calls[index];
        if (call->queue_handle) call->queue = queue_index_at(log, call->process, call->queue_handle, call->start_ns);
    }
    log->commands = calloc(log->pending_count ? log->pending_count : 1, sizeof *log->commands);
    if (!log->commands) return -1;
    log->command_count = log->pending_count;
    for (size_t index = 0; index < log->pending_count; index++) {
        const struct pending_command *device = &log->pending[index];
        /* device times until the clocks are measured */
        log->commands[index] = (struct snag_opencl_command){
            .process = device->process,
            .command_type = device->command_type,
            .status = device->status,
            .profiled = device->device_ns[3] != 0 && device->device_ns[0] != 0,
            .queued_ns = device->device_ns[0],
            .submit_ns = device->device_ns[1],
            .start_ns = device->device_ns[2],
            .end_ns = device->device_ns[3],
        };
    }
    if (link_commands_to_calls(log)) return -1;
    measure_clocks(log);
    for (size_t index = 0; index < log->command_count; index++) {
        struct snag_opencl_command *command = &log->commands[index];
        const struct snag_opencl_clock *clock = command->queue != SNAG_NO_INDEX &&
                                                        log->queues[command->queue].clock != SNAG_NO_INDEX
                                                    ? &log->clocks[log->queues[command->queue].clock]
                                                    : NULL;
        if (!command->profiled || !clock || (clock->method == SNAG_OPENCL_CLOCK_MEASURED && !clock->samples)) {
            /* no times, or no way to place them: the call's span stands in */
            command->profiled = 0;
            uint64_t call_start = command->call != SNAG_NO_INDEX ? log->calls[command->call].start_ns : start;
            command->queued_ns = command->submit_ns = command->start_ns = command->end_ns =
                call_start > start ? call_start - start : 0;
            continue;
        }
        command->queued_ns = on_trace(clock->offset_ns, command->queued_ns, start);
        command->submit_ns = on_trace(clock->offset_ns, command->submit_ns, start);
        command->start_ns = on_trace(clock->offset_ns, command->start_ns, start);
        command->end_ns = on_trace(clock->offset_ns, command->end_ns, start);
    }
    for (size_t index = 0; index < log->call_count; index++) {
        struct snag_opencl_call *call = &log->calls[index];
        call->start_ns = call->start_ns > start ? call->start_ns - start : 0;
        call->end_ns = call->end_ns > start ? call->end_ns - start : 0;
    }
    for (size_t index = 0; index < log->queue_count; index++) {
        struct snag_opencl_queue *queue = &log->queues[index];
        queue->created_ns = queue->created_ns > start ? queue->created_ns - start : 0;
    }
    if (log->command_count > 1) qsort(log->commands, log->command_count, sizeof *log->commands, compare_commands);
    for (size_t index = 0; index < log->command_count; index++)
        if (log->commands[index].call != SNAG_NO_INDEX) log->calls[log->commands[index].call].command = (uint32_t)index;
    return 0;
}

/* ---- the API ---- */

static const struct snag_opencl_log empty_log;

const struct snag_opencl_log *opencl_log_or_empty(const struct snag_opencl_log *log)
{
    return log ? log : &empty_log;
}

size_t snag_opencl_call_count(const struct snag_opencl_log *log) { return log->call_count; }
const struct snag_opencl_call *snag_opencl_call(const struct snag_opencl_log *log, size_t index)
{
    return index < log->call_count ? &log->calls[index] : NULL;
}
size_t snag_opencl_command_count(const struct snag_opencl_log *log) { return log->command_count; }
const struct snag_opencl_command *snag_opencl_command(const struct snag_opencl_log *log, size_t index)
{
    return index < log->command_count ? &log->commands[index] : NULL;
}
size_t snag_opencl_queue_count(const struct snag_opencl_log *log) { return log->queue_count; }
const struct snag_opencl_queue *snag_opencl_queue(const struct snag_opencl_log *log, size_t index)
{
    return index < log->queue_count ? &log->queues[index] : NULL;
}
size_t snag_opencl_clock_count(const struct snag_opencl_log *log) { return log->clock_count; }
const struct snag_opencl_clock *snag_opencl_clock(const struct snag_opencl_log *log, size_t index)
{
    return index < log->clock_count ? &log->clocks[index] : NULL;
}

static const char *const function_names[SNAG_CL_FUNCTION_COUNT] = {
    [SNAG_CL_UNKNOWN] = "unknown",
    [SNAG_CL_CREATE_CONTEXT] = "clCreateContext",
    [SNAG_CL_CREATE_CONTEXT_FROM_TYPE] = "clCreateContextFromType",
    [SNAG_CL_RELEASE_CONTEXT] = "clReleaseContext",
    [SNAG_CL_CREATE_COMMAND_QUEUE] = "clCreateCommandQueue",
    [SNAG_CL_CREATE_COMMAND_QUEUE_WITH_PROPERTIES] = "clCreateCommandQueueWithProperties",
    [SNAG_CL_RELEASE_COMMAND_QUEUE] = "clReleaseCommandQueue",
    [SNAG_CL_CREATE_PROGRAM_WITH_SOURCE] = "clCreateProgramWithSource",
    [SNAG_CL_CREATE_PROGRAM_WITH_BINARY] = "clCreateProgramWithBinary",
    [SNAG_CL_CREATE_PROGRAM_WITH_IL] = "clCreateProgramWithIL",
    [SNAG_CL_BUILD_PROGRAM] = "clBuildProgram",
    [SNAG_CL_COMPILE_PROGRAM] = "clCompileProgram",
    [SNAG_CL_LINK_PROGRAM] = "clLinkProgram",
    [SNAG_CL_RELEASE_PROGRAM] = "clReleaseProgram",
    [SNAG_CL_CREATE_KERNEL] = "clCreateKernel",
    [SNAG_CL_CREATE_KERNELS_IN_PROGRAM] = "clCreateKernelsInProgram",
    [SNAG_CL_CLONE_KERNEL] = "clCloneKernel",
    [SNAG_CL_SET_KERNEL_ARG] = "clSetKernelArg",
    [SNAG_CL_RELEASE_KERNEL] = "clReleaseKernel",
    [SNAG_CL_CREATE_BUFFER] = "clCreateBuffer",
    [SNAG_CL_CREATE_SUB_BUFFER] = "clCreateSubBuffer",
    [SNAG_CL_CREATE_IMAGE] = "clCreateImage",
    [SNAG_CL_RELEASE_MEM_OBJECT] = "clReleaseMemObject",
    [SNAG_CL_SVM_ALLOC] = "clSVMAlloc",
    [SNAG_CL_SVM_FREE] = "clSVMFree",
    [SNAG_CL_ENQUEUE_NDRANGE_KERNEL] = "clEnqueueNDRangeKernel",
    [SNAG_CL_ENQUEUE_TASK] = "clEnqueueTask",
    [SNAG_CL_ENQUEUE_READ_BUFFER] = "clEnqueueReadBuffer",
    [SNAG_CL_ENQUEUE_WRITE_BUFFER] = "clEnqueueWriteBuffer",
    [SNAG_CL_ENQUEUE_READ_BUFFER_RECT] = "clEnqueueReadBufferRect",
    [SNAG_CL_ENQUEUE_WRITE_BUFFER_RECT] = "clEnqueueWriteBufferRect",
    [SNAG_CL_ENQUEUE_COPY_BUFFER] = "clEnqueueCopyBuffer",
    [SNAG_CL_ENQUEUE_COPY_BUFFER_RECT] = "clEnqueueCopyBufferRect",
    [SNAG_CL_ENQUEUE_FILL_BUFFER] = "clEnqueueFillBuffer",
    [SNAG_CL_ENQUEUE_MAP_BUFFER] = "clEnqueueMapBuffer",
    [SNAG_CL_ENQUEUE_UNMAP_MEM_OBJECT] = "clEnqueueUnmapMemObject",
    [SNAG_CL_ENQUEUE_READ_IMAGE] = "clEnqueueReadImage",
    [SNAG_CL_ENQUEUE_WRITE_IMAGE] = "clEnqueueWriteImage",
    [SNAG_CL_ENQUEUE_COPY_IMAGE] = "clEnqueueCopyImage",
    [SNAG_CL_ENQUEUE_FILL_IMAGE] = "clEnqueueFillImage",
    [SNAG_CL_ENQUEUE_COPY_IMAGE_TO_BUFFER] = "clEnqueueCopyImageToBuffer",
    [SNAG_CL_ENQUEUE_COPY_BUFFER_TO_IMAGE] = "clEnqueueCopyBufferToImage",
    [SNAG_CL_ENQUEUE_MAP_IMAGE] = "clEnqueueMapImage",
    [SNAG_CL_ENQUEUE_MARKER] = "clEnqueueMarker",
    [SNAG_CL_ENQUEUE_MARKER_WITH_WAIT_LIST] = "clEnqueueMarkerWithWaitList",
    [SNAG_CL_ENQUEUE_BARRIER] = "clEnqueueBarrier",
    [SNAG_CL_ENQUEUE_BARRIER_WITH_WAIT_LIST] = "clEnqueueBarrierWithWaitList",
    [SNAG_CL_ENQUEUE_WAIT_FOR_EVENTS] = "clEnqueueWaitForEvents",
    [SNAG_CL_ENQUEUE_MIGRATE_MEM_OBJECTS] = "clEnqueueMigrateMemObjects",
    [SNAG_CL_ENQUEUE_SVM_FREE] = "clEnqueueSVMFree",
    [SNAG_CL_ENQUEUE_SVM_MEMCPY] = "clEnqueueSVMMemcpy",
    [SNAG_CL_ENQUEUE_SVM_MEM_FILL] = "clEnqueueSVMMemFill",
    [SNAG_CL_ENQUEUE_SVM_MAP] = "clEnqueueSVMMap",
    [SNAG_CL_ENQUEUE_SVM_UNMAP] = "clEnqueueSVMUnmap",
    [SNAG_CL_ENQUEUE_SVM_MIGRATE_MEM] = "clEnqueueSVMMigrateMem",
    [SNAG_CL_FINISH] = "clFinish",
    [SNAG_CL_FLUSH] = "clFlush",
    [SNAG_CL_WAIT_FOR_EVENTS] = "clWaitForEvents",
    [SNAG_CL_GET_EVENT_INFO] = "clGetEventInfo",
    [SNAG_CL_GET_EVENT_PROFILING_INFO] = "clGetEventProfilingInfo",
    [SNAG_CL_RETAIN_EVENT] = "clRetainEvent",
    [SNAG_CL_RELEASE_EVENT] = "clReleaseEvent",
    [SNAG_CL_CREATE_USER_EVENT] = "clCreateUserEvent",
    [SNAG_CL_SET_USER_EVENT_STATUS] = "clSetUserEventStatus",
    [SNAG_CL_SET_EVENT_CALLBACK] = "clSetEventCallback",
};

const char *snag_opencl_function_name(uint32_t function)
{
    return function < SNAG_CL_FUNCTION_COUNT && function_names[function] ? function_names[function] : "unknown";
}

const char *snag_opencl_command_name(const struct snag_opencl_log *log, const struct snag_opencl_command *command,
                                     char *out, size_t size)
{
    const struct snag_opencl_call *call = command->call != SNAG_NO_INDEX ? snag_opencl_call(log, command->call) : NULL;
    const char *transfer = call ? snag_opencl_transfer_kind(call->function) : NULL;
    if (command->kernel) snprintf(out, size, "%s", command->kernel);
    else if (transfer) snprintf(out, size, "%s %" PRIu64 " B", transfer, call->bytes);
    else snprintf(out, size, "%s", call ? snag_opencl_function_name(call->function) : "command");
    return out;
}

const char *snag_opencl_transfer_kind(uint32_t function)
{
    switch (function) {
    case SNAG_CL_ENQUEUE_READ_BUFFER:
    case SNAG_CL_ENQUEUE_READ_BUFFER_RECT:
    case SNAG_CL_ENQUEUE_READ_IMAGE: return "read";
    case SNAG_CL_ENQUEUE_WRITE_BUFFER:
    case SNAG_CL_ENQUEUE_WRITE_BUFFER_RECT:
    case SNAG_CL_ENQUEUE_WRITE_IMAGE: return "write";
    case SNAG_CL_ENQUEUE_COPY_BUFFER:
    case SNAG_CL_ENQUEUE_COPY_BUFFER_RECT:
    case SNAG_CL_ENQUEUE_COPY_IMAGE:
    case SNAG_CL_ENQUEUE_COPY_IMAGE_TO_BUFFER:
    case SNAG_CL_ENQUEUE_COPY_BUFFER_TO_IMAGE:
    case SNAG_CL_ENQUEUE_SVM_MEMCPY: return "copy";
    case SNAG_CL_ENQUEUE_MAP_BUFFER:
    case SNAG_CL_ENQUEUE_MAP_IMAGE:
    case SNAG_CL_ENQUEUE_UNMAP_MEM_OBJECT:
    case SNAG_CL_ENQUEUE_SVM_MAP:
    case SNAG_CL_ENQUEUE_SVM_UNMAP: return "map";
    case SNAG_CL_ENQUEUE_FILL_BUFFER:
    case SNAG_CL_ENQUEUE_FILL_IMAGE:
    case SNAG_CL_ENQUEUE_SVM_MEM_FILL: return "fill";
    default: return NULL;
    }
}

int snag_opencl_is_kernel_launch(uint32_t function)
{
    return function == SNAG_CL_ENQUEUE_NDRANGE_KERNEL || function == SNAG_CL_ENQUEUE_TASK;
}

const char *snag_opencl_clock_method_name(uint32_t method)
{
    return method == SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER ? "clGetDeviceAndHostTimer" : "measured from enqueue times";
}

void opencl_log_free(struct snag_opencl_log *log)
{
    if (!log) return;
    for (size_t index = 0; index < log->call_count; index++)
        if (log->calls[index].text != empty_text) free((void *)log->calls[index].text);
    for (size_t index = 0; index < log->object_count; index++) free(log->objects[index].name);
    free(log->calls);
    free(log->pending);
    free(log->objects);
    free(log->readings);
    free(log->commands);
    free(log->queues);
    free(log->clocks);
    free(log);
}
