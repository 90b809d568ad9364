/* OpenCL wrappers: every host call's duration and arguments on the calling
 * thread, and every enqueued command's device timestamps.
 *
 * Device times need profiling, so every queue is created with
 * CL_QUEUE_PROFILING_ENABLE; the queue table below remembers what the program
 * asked for, and the property and profiling queries answer from it. Every
 * enqueue gets an event (ours when the program passes none) with a
 * CL_COMPLETE callback that records the command's four timestamps on the
 * runtime thread that completed it, and releases the event if it is ours. A
 * callback takes no reference of the program's: the reference counts it
 * sees stay its own. */
#define _GNU_SOURCE
#include "opencl_real.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "wrap.h"

#define REAL snag_opencl_real

/* The real function, or `fallback` when no loaded library defines it. */
#define OPENCL_REAL_OR_RETURN(name, fallback)                                       \
    do {                                                                            \
        if (SNAG_UNLIKELY(!snag_opencl_real_resolve() || !REAL.name)) return fallback; \
    } while (0)

/* ---- queues: what the program asked for ---- */

#define QUEUE_SLOTS 1024u
#define QUEUES_FORCED_MAX (QUEUE_SLOTS / 2) /* the table never fills: every insert finds a slot */

struct queue_entry {
    _Atomic uint64_t handle;
    uint64_t asked_properties; /* the CL_QUEUE_PROPERTIES bitfield the program asked for */
    uint32_t appended;         /* enum appended_pair */
};

enum appended_pair {
    PAIR_PROGRAMS = 0,      /* the program's list had CL_QUEUE_PROPERTIES: we changed its value */
    PAIR_APPENDED = 1,      /* the program's list had none: we appended ours */
    PAIR_NO_LIST = 2,       /* the program passed no list at all: the list is ours alone */
};

static struct queue_entry queues[QUEUE_SLOTS];
static atomic_uint queues_forced;

static size_t queue_slot(uint64_t handle)
{
    return (size_t)((handle * UINT64_C(0x9E3779B97F4A7C15)) >> 54) & (QUEUE_SLOTS - 1);
}

/* The entry of a queue whose profiling snag turned on, or NULL. */
static struct queue_entry *forced_queue(cl_command_queue queue)
{
    uint64_t handle = (uint64_t)(uintptr_t)queue;
    if (!handle || atomic_load_explicit(&queues_forced, memory_order_relaxed) == 0) return NULL;
    for (size_t probe = 0, slot = queue_slot(handle); probe < QUEUE_SLOTS; probe++, slot = (slot + 1) & (QUEUE_SLOTS - 1)) {
        uint64_t seen = atomic_load_explicit(&queues[slot].handle, memory_order_acquire);
        if (seen == handle) return &queues[slot];
        if (seen == 0) return NULL;
    }
    return NULL;
}

/* A slot for one more forced queue, taken before the queue exists: 0 means
 * the table is full and this queue keeps the properties it was asked with. */
static int reserve_forced_queue(void)
{
    if (atomic_fetch_add(&queues_forced, 1) < QUEUES_FORCED_MAX) return 1;
    atomic_fetch_sub(&queues_forced, 1);
    return 0;
}

/* Entries are never removed: a released queue's handle can come back for a
 * new queue, which then overwrites the entry. */
static void remember_forced_queue(cl_command_queue queue, uint64_t asked_properties, int appended)
{
    uint64_t handle = (uint64_t)(uintptr_t)queue;
    for (size_t probe = 0, slot = queue_slot(handle); probe < QUEUE_SLOTS; probe++, slot = (slot + 1) & (QUEUE_SLOTS - 1)) {
        uint64_t seen = atomic_load_explicit(&queues[slot].handle, memory_order_acquire);
        if (seen == 0) {
            uint64_t expected = 0;
            if (!atomic_compare_exchange_strong(&queues[slot].handle, &expected, UINT64_MAX)) {
                seen = expected;
            } else {
                queues[slot].asked_properties = asked_properties;
                queues[slot].appended = (uint32_t)appended;
                atomic_store_explicit(&queues[slot].handle, handle, memory_order_release);
                return;
            }
        }
        if (seen == handle) {
            queues[slot].asked_properties = asked_properties;
            queues[slot].appended = (uint32_t)appended;
            atomic_fetch_sub(&queues_forced, 1); /* a reused handle takes no new slot */
            return;
        }
    }
}

/* ---- devices: one clock calibration each ---- */

#define DEVICE_SLOTS 64u
static _Atomic uint64_t calibrated_devices[DEVICE_SLOTS];

static int first_sight_of_device(cl_device_id device)
{
    uint64_t handle = (uint64_t)(uintptr_t)device;
    for (size_t slot = 0; slot < DEVICE_SLOTS; slot++) {
        uint64_t expected = 0;
        if (atomic_compare_exchange_strong(&calibrated_devices[slot], &expected, handle)) return 1;
        if (expected == handle) return 0;
    }
    return 0;
}

static void calibrate_device(cl_device_id device)
{
    if (!first_sight_of_device(device)) return;
    struct snag_opencl_clock_record record = {.device = (uint64_t)(uintptr_t)device,
                                              .method = SNAG_OPENCL_CLOCK_MEASURED};
    if (REAL.clGetDeviceAndHostTimer) {
        cl_ulong device_ns = 0, host_ns = 0;
        uint64_t before = snag_now_ticks();
        cl_int result = REAL.clGetDeviceAndHostTimer(device, &device_ns, &host_ns);
        uint64_t after = snag_now_ticks();
        if (result == CL_SUCCESS) {
            record.method = SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER;
            record.device_ns = device_ns;
            record.host_ticks_before = before;
            record.host_ticks_after = after;
        }
    }
    snag_emit_variable(SNAG_REC_OPENCL_CLOCK, 0, &record, sizeof record);
}

static void record_object(uint32_t kind, const void *handle, const void *parent, uint64_t value, const char *name)
{
    struct snag_opencl_object_record record = {
        .handle = (uint64_t)(uintptr_t)handle, .parent = (uint64_t)(uintptr_t)parent, .value = value, .kind = kind};
    size_t length = name ? strnlen(name, 255) : 0;
    snag_emit_variable2(SNAG_REC_OPENCL_OBJECT, 0, &record, sizeof record, name, length);
}

static void describe_queue(cl_command_queue queue, cl_device_id device, uint64_t asked_properties)
{
    char name[256] = "";
    if (REAL.clGetDeviceInfo && REAL.clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof name - 1, name, NULL) != CL_SUCCESS)
        name[0] = '\0';
    record_object(SNAG_OPENCL_QUEUE, queue, device, asked_properties, name);
    calibrate_device(device);
}

static void describe_kernel(cl_kernel kernel, cl_program program)
{
    char name[256] = "";
    if (REAL.clGetKernelInfo && REAL.clGetKernelInfo(kernel, CL_KERNEL_FUNCTION_NAME, sizeof name - 1, name, NULL) != CL_SUCCESS)
        name[0] = '\0';
    record_object(SNAG_OPENCL_KERNEL, kernel, program, 0, name);
}

/* ---- one call ---- */

struct call {
    uint64_t start_ticks;
    struct snag_opencl_call_record record;
};

#define MAX_TEXT 4000u

static inline __attribute__((always_inline)) void call_begin(struct call *call, uint32_t function, uintptr_t site)
{
    memset(&call->record, 0, sizeof call->record);
    call->record.function = function;
    call->record.site = site;
    call->start_ticks = snag_now_ticks();
}

static inline __attribute__((always_inline)) void call_returned(struct call *call, cl_int result)
{
    call->record.end_ticks = snag_now_ticks();
    call->record.result = result;
}

static void call_record(struct call *call, const char *text, size_t text_size)
{
    if (text_size > MAX_TEXT) text_size = MAX_TEXT;
    snag_emit_variable_at(call->start_ticks, SNAG_REC_OPENCL_CALL, 0, &call->record,
                          sizeof call->record, text, text_size);
}

static void call_end(struct call *call, cl_int result)
{
    call_returned(call, result);
    call_record(call, NULL, 0);
}

/* ---- enqueued commands ---- */

static _Atomic uint64_t last_command_id;

/* The runtime calls this on one of its threads when a command completes.
 * It must not block nor call into the program: it reads the timestamps,
 * records them, and lets go of the event if it is ours. */
static void CL_CALLBACK command_completed(cl_event event, cl_int status, void *user_data)
{
    uintptr_t data = (uintptr_t)user_data;
    struct snag_opencl_command_record record = {.command = data >> 1, .status = status};
    cl_command_queue queue = NULL;
    cl_command_type type = 0;
    if (REAL.clGetEventInfo(event, CL_EVENT_COMMAND_QUEUE, sizeof queue, &queue, NULL) == CL_SUCCESS)
        record.queue = (uint64_t)(uintptr_t)queue;
    if (REAL.clGetEventInfo(event, CL_EVENT_COMMAND_TYPE, sizeof type, &type, NULL) == CL_SUCCESS)
        record.command_type = type;
    cl_ulong times[4] = {0, 0, 0, 0};
    static const cl_profiling_info which[4] = {CL_PROFILING_COMMAND_QUEUED, CL_PROFILING_COMMAND_SUBMIT,
                                               CL_PROFILING_COMMAND_START, CL_PROFILING_COMMAND_END};
    for (int index = 0; index < 4; index++)
        if (REAL.clGetEventProfilingInfo(event, which[index], sizeof times[index], &times[index], NULL) != CL_SUCCESS)
            times[index] = 0;
    record.queued_ns = times[0];
    record.submit_ns = times[1];
    record.start_ns = times[2];
    record.end_ns = times[3];
    snag_emit_variable(SNAG_REC_OPENCL_COMMAND, 0, &record, sizeof record);
    if (data & 1) REAL.clReleaseEvent(event);
}

struct enqueue {
    struct call call;
    cl_event *program_event; /* where the program wants the event, or NULL */
    cl_event own_event;      /* ours, when the program wants none */
};

/* Starts an enqueue call; returns the event pointer to hand to the real call. */
static inline __attribute__((always_inline)) cl_event *enqueue_begin(struct enqueue *enqueue, uint32_t function,
                                                                     cl_command_queue queue, cl_event *program_event,
                                                                     uintptr_t site)
{
    call_begin(&enqueue->call, function, site);
    enqueue->call.record.queue = (uint64_t)(uintptr_t)queue;
    enqueue->program_event = program_event;
    enqueue->own_event = NULL;
    return program_event ? program_event : &enqueue->own_event;
}

static void enqueue_end(struct enqueue *enqueue, cl_int result)
{
    call_returned(&enqueue->call, result);
    struct snag_opencl_call_record *record = &enqueue->call.record;
    cl_event event = NULL;
    if (result == CL_SUCCESS) event = enqueue->program_event ? *enqueue->program_event : enqueue->own_event;
    if (event) {
        int ours = enqueue->program_event == NULL;
        if (!ours) {
            record->event = (uint64_t)(uintptr_t)event;
            record->flags |= SNAG_OPENCL_PROGRAM_EVENT;
        }
        uint64_t id = atomic_fetch_add(&last_command_id, 1) + 1;
        if (REAL.clSetEventCallback(event, CL_COMPLETE, command_completed, (void *)(uintptr_t)(id << 1 | (uint64_t)ours)) ==
            CL_SUCCESS) {
            record->command = id;
            record->flags |= SNAG_OPENCL_PROFILED;
        } else if (ours) {
            REAL.clReleaseEvent(event);
        }
    }
    call_record(&enqueue->call, NULL, 0);
}

static void set_blocking(struct call *call, cl_bool blocking)
{
    if (blocking) call->record.flags |= SNAG_OPENCL_BLOCKING | SNAG_OPENCL_WAITS;
}

static uint64_t region_bytes(const size_t *region)
{
    return region ? (uint64_t)region[0] * region[1] * region[2] : 0;
}

/* An image region's bytes: its pixels times the image's element size. */
static uint64_t image_region_bytes(cl_mem image, const size_t *region)
{
    size_t element_size = 1;
    if (!REAL.clGetImageInfo || REAL.clGetImageInfo(image, CL_IMAGE_ELEMENT_SIZE, sizeof element_size, &element_size,
                                                    NULL) != CL_SUCCESS)
        element_size = 1;
    return region_bytes(region) * element_size;
}

#define RECORDING() SNAG_LIKELY(snag_writer_active())

/* ---- contexts ---- */

SNAG_EXPORT cl_context clCreateContext(const cl_context_properties *properties, cl_uint device_count,
                                       const cl_device_id *devices,
                                       void(CL_CALLBACK *notify)(const char *, const void *, size_t, void *),
                                       void *user_data, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateContext, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateContext(properties, device_count, devices, notify, user_data, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_CONTEXT, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_context context = REAL.clCreateContext(properties, device_count, devices, notify, user_data, &error);
    call.record.object = (uint64_t)(uintptr_t)context;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return context;
}

SNAG_EXPORT cl_context clCreateContextFromType(const cl_context_properties *properties, cl_device_type type,
                                               void(CL_CALLBACK *notify)(const char *, const void *, size_t, void *),
                                               void *user_data, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateContextFromType, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateContextFromType(properties, type, notify, user_data, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_CONTEXT_FROM_TYPE, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_context context = REAL.clCreateContextFromType(properties, type, notify, user_data, &error);
    call.record.object = (uint64_t)(uintptr_t)context;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return context;
}

/* The calls that take one object and return a cl_int, recorded with it. */
#define SIMPLE_OBJECT_CALL(name, function_id, type, field)                         \
    SNAG_EXPORT cl_int name(type object)                                           \
    {                                                                              \
        OPENCL_REAL_OR_RETURN(name, CL_INVALID_OPERATION);                         \
        if (!RECORDING()) return REAL.name(object);                                \
        struct call call;                                                          \
        call_begin(&call, function_id, SNAG_CALLER());                             \
        call.record.field = (uint64_t)(uintptr_t)object;                           \
        cl_int result = REAL.name(object);                                         \
        call_end(&call, result);                                                   \
        return result;                                                             \
    }

SIMPLE_OBJECT_CALL(clReleaseContext, SNAG_CL_RELEASE_CONTEXT, cl_context, object)
SIMPLE_OBJECT_CALL(clReleaseCommandQueue, SNAG_CL_RELEASE_COMMAND_QUEUE, cl_command_queue, queue)
SIMPLE_OBJECT_CALL(clReleaseProgram, SNAG_CL_RELEASE_PROGRAM, cl_program, object)
SIMPLE_OBJECT_CALL(clReleaseKernel, SNAG_CL_RELEASE_KERNEL, cl_kernel, object)
SIMPLE_OBJECT_CALL(clReleaseMemObject, SNAG_CL_RELEASE_MEM_OBJECT, cl_mem, object)
SIMPLE_OBJECT_CALL(clRetainEvent, SNAG_CL_RETAIN_EVENT, cl_event, event)
SIMPLE_OBJECT_CALL(clReleaseEvent, SNAG_CL_RELEASE_EVENT, cl_event, event)
SIMPLE_OBJECT_CALL(clFlush, SNAG_CL_FLUSH, cl_command_queue, queue)

/* ---- queues ---- */

SNAG_EXPORT cl_command_queue clCreateCommandQueue(cl_context context, cl_device_id device,
                                                  cl_command_queue_properties properties, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateCommandQueue, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateCommandQueue(context, device, properties, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_COMMAND_QUEUE, SNAG_CALLER());
    int forced = !(properties & CL_QUEUE_PROFILING_ENABLE) && reserve_forced_queue();
    cl_int error = CL_SUCCESS;
    cl_command_queue queue =
        REAL.clCreateCommandQueue(context, device, properties | (forced ? CL_QUEUE_PROFILING_ENABLE : 0), &error);
    if (!queue && forced) /* a device that refuses profiling: the queue the program asked for */
        queue = REAL.clCreateCommandQueue(context, device, properties, &error);
    if (forced) {
        if (queue) remember_forced_queue(queue, properties, 0);
        else atomic_fetch_sub(&queues_forced, 1);
    }
    call.record.queue = (uint64_t)(uintptr_t)queue;
    call.record.detail = properties;
    call_end(&call, error);
    if (queue) describe_queue(queue, device, properties);
    if (error_out) *error_out = error;
    return queue;
}

#define MAX_QUEUE_PROPERTIES 64u

SNAG_EXPORT cl_command_queue clCreateCommandQueueWithProperties(cl_context context, cl_device_id device,
                                                                const cl_queue_properties *properties,
                                                                cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateCommandQueueWithProperties,
                          (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateCommandQueueWithProperties(context, device, properties, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_COMMAND_QUEUE_WITH_PROPERTIES, SNAG_CALLER());
    /* The program's list with CL_QUEUE_PROFILING_ENABLE added to its
     * CL_QUEUE_PROPERTIES, or a CL_QUEUE_PROPERTIES pair appended. */
    cl_queue_properties ours[MAX_QUEUE_PROPERTIES + 3];
    size_t count = 0, bits_at = SIZE_MAX;
    uint64_t asked = 0;
    int fits = 1;
    for (; properties && properties[count] != 0; count += 2) {
        if (count + 2 > MAX_QUEUE_PROPERTIES) {
            fits = 0;
            break;
        }
        ours[count] = properties[count];
        ours[count + 1] = properties[count + 1];
        if (properties[count] == CL_QUEUE_PROPERTIES) {
            bits_at = count + 1;
            asked = properties[count + 1];
        }
    }
    int forced = fits && !(asked & CL_QUEUE_PROFILING_ENABLE) && reserve_forced_queue();
    int appended = !forced || bits_at != SIZE_MAX ? PAIR_PROGRAMS : properties ? PAIR_APPENDED : PAIR_NO_LIST;
    if (forced) {
        if (appended) {
            ours[count++] = CL_QUEUE_PROPERTIES;
            ours[count++] = CL_QUEUE_PROFILING_ENABLE;
        } else {
            ours[bits_at] |= CL_QUEUE_PROFILING_ENABLE;
        }
        ours[count] = 0;
    }
    cl_int error = CL_SUCCESS;
    cl_command_queue queue =
        REAL.clCreateCommandQueueWithProperties(context, device, forced ? ours : properties, &error);
    if (!queue && forced) queue = REAL.clCreateCommandQueueWithProperties(context, device, properties, &error);
    if (forced) {
        if (queue) remember_forced_queue(queue, asked, appended);
        else atomic_fetch_sub(&queues_forced, 1);
    }
    call.record.queue = (uint64_t)(uintptr_t)queue;
    call.record.detail = asked;
    call_end(&call, error);
    if (queue) describe_queue(queue, device, asked);
    if (error_out) *error_out = error;
    return queue;
}

/* The properties a forced queue reports are the ones the program asked for. */
static cl_int queue_properties_array_as_asked(cl_command_queue queue, const struct queue_entry *entry, size_t size,
                                              void *value, size_t *size_out)
{
    cl_queue_properties list[MAX_QUEUE_PROPERTIES + 3];
    size_t list_size = 0;
    cl_int result = REAL.clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES_ARRAY, sizeof list, list, &list_size);
    if (result != CL_SUCCESS) return REAL.clGetCommandQueueInfo(queue, CL_QUEUE_PROPERTIES_ARRAY, size, value, size_out);
    size_t count = entry->appended == PAIR_NO_LIST ? 0 : list_size / sizeof list[0];
    for (size_t index = 0; index + 1 < count; index += 2) {
        if (list[index] != CL_QUEUE_PROPERTIES) continue;
        if (entry->appended == PAIR_APPENDED) {
            memmove(&list[index], &list[index + 2], (count - index - 2) * sizeof list[0]);
            count -= 2;
        } else {
            list[index + 1] = entry->asked_properties;
        }
        break;
    }
    size_t needed = count * sizeof list[0];
    if (value) {
        if (size < needed) return CL_INVALID_VALUE;
        memcpy(value, list, needed);
    }
    if (size_out) *size_out = needed;
    return CL_SUCCESS;
}

SNAG_EXPORT cl_int clGetCommandQueueInfo(cl_command_queue queue, cl_command_queue_info name, size_t size, void *value,
                                         size_t *size_out)
{
    OPENCL_REAL_OR_RETURN(clGetCommandQueueInfo, CL_INVALID_OPERATION);
    const struct queue_entry *entry = forced_queue(queue);
    if (entry && name == CL_QUEUE_PROPERTIES_ARRAY) return queue_properties_array_as_asked(queue, entry, size, value, size_out);
    cl_int result = REAL.clGetCommandQueueInfo(queue, name, size, value, size_out);
    if (entry && name == CL_QUEUE_PROPERTIES && result == CL_SUCCESS && value &&
        size >= sizeof(cl_command_queue_properties))
        *(cl_command_queue_properties *)value &= ~(cl_command_queue_properties)CL_QUEUE_PROFILING_ENABLE;
    return result;
}

/* ---- programs ---- */

/* FNV-1a: tells the same source built again from a different one. */
static uint64_t hash_bytes(uint64_t hash, const char *bytes, size_t size)
{
    for (size_t index = 0; index < size; index++) hash = (hash ^ (uint8_t)bytes[index]) * UINT64_C(0x100000001b3);
    return hash;
}

SNAG_EXPORT cl_program clCreateProgramWithSource(cl_context context, cl_uint count, const char **strings,
                                                 const size_t *lengths, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateProgramWithSource, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateProgramWithSource(context, count, strings, lengths, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_PROGRAM_WITH_SOURCE, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_program program = REAL.clCreateProgramWithSource(context, count, strings, lengths, &error);
    call_returned(&call, error);
    if (program) { /* the strings were valid: the call accepted them */
        uint64_t hash = UINT64_C(0xcbf29ce484222325), total = 0;
        for (cl_uint index = 0; index < count; index++) {
            size_t length = lengths && lengths[index] ? lengths[index] : strlen(strings[index]);
            hash = hash_bytes(hash, strings[index], length);
            total += length;
        }
        call.record.detail = hash;
        call.record.bytes = total;
    }
    call.record.object = (uint64_t)(uintptr_t)program;
    call_record(&call, NULL, 0);
    if (error_out) *error_out = error;
    return program;
}

SNAG_EXPORT cl_program clCreateProgramWithBinary(cl_context context, cl_uint device_count, const cl_device_id *devices,
                                                 const size_t *lengths, const unsigned char **binaries,
                                                 cl_int *binary_status, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateProgramWithBinary, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING())
        return REAL.clCreateProgramWithBinary(context, device_count, devices, lengths, binaries, binary_status, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_PROGRAM_WITH_BINARY, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_program program =
        REAL.clCreateProgramWithBinary(context, device_count, devices, lengths, binaries, binary_status, &error);
    call.record.object = (uint64_t)(uintptr_t)program;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return program;
}

SNAG_EXPORT cl_program clCreateProgramWithIL(cl_context context, const void *il, size_t length, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateProgramWithIL, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateProgramWithIL(context, il, length, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_PROGRAM_WITH_IL, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_program program = REAL.clCreateProgramWithIL(context, il, length, &error);
    call.record.object = (uint64_t)(uintptr_t)program;
    call.record.bytes = length;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return program;
}

/* A failed build's log (of its first device that has one) goes with its
 * record: that is what the user needs to see. */
static void record_build(struct call *call, cl_program program, cl_uint device_count, const cl_device_id *devices)
{
    call->record.object = (uint64_t)(uintptr_t)program;
    if (call->record.result == CL_SUCCESS || !REAL.clGetProgramBuildInfo || !REAL.clGetProgramInfo) {
        call_record(call, NULL, 0);
        return;
    }
    cl_device_id own[16];
    if (!devices || device_count == 0) {
        size_t size = 0;
        if (REAL.clGetProgramInfo(program, CL_PROGRAM_DEVICES, sizeof own, own, &size) != CL_SUCCESS) size = 0;
        device_count = (cl_uint)(size / sizeof own[0]);
        devices = own;
    }
    char *log = NULL;
    size_t log_size = 0;
    for (cl_uint index = 0; index < device_count && log_size <= 1; index++) {
        size_t size = 0;
        if (REAL.clGetProgramBuildInfo(program, devices[index], CL_PROGRAM_BUILD_LOG, 0, NULL, &size) != CL_SUCCESS ||
            size <= 1)
            continue;
        free(log);
        log = malloc(size); /* a failed build is no hot path */
        if (!log ||
            REAL.clGetProgramBuildInfo(program, devices[index], CL_PROGRAM_BUILD_LOG, size, log, NULL) != CL_SUCCESS) {
            log_size = 0;
            continue;
        }
        log_size = strnlen(log, size);
    }
    call_record(call, log, log_size);
    free(log);
}

SNAG_EXPORT cl_int clBuildProgram(cl_program program, cl_uint device_count, const cl_device_id *devices,
                                  const char *options, void(CL_CALLBACK *notify)(cl_program, void *), void *user_data)
{
    OPENCL_REAL_OR_RETURN(clBuildProgram, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clBuildProgram(program, device_count, devices, options, notify, user_data);
    struct call call;
    call_begin(&call, SNAG_CL_BUILD_PROGRAM, SNAG_CALLER());
    cl_int result = REAL.clBuildProgram(program, device_count, devices, options, notify, user_data);
    call_returned(&call, result);
    record_build(&call, program, device_count, devices);
    return result;
}

SNAG_EXPORT cl_int clCompileProgram(cl_program program, cl_uint device_count, const cl_device_id *devices,
                                    const char *options, cl_uint header_count, const cl_program *headers,
                                    const char **header_names, void(CL_CALLBACK *notify)(cl_program, void *),
                                    void *user_data)
{
    OPENCL_REAL_OR_RETURN(clCompileProgram, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clCompileProgram(program, device_count, devices, options, header_count, headers, header_names,
                                     notify, user_data);
    struct call call;
    call_begin(&call, SNAG_CL_COMPILE_PROGRAM, SNAG_CALLER());
    cl_int result = REAL.clCompileProgram(program, device_count, devices, options, header_count, headers,
                                          header_names, notify, user_data);
    call_returned(&call, result);
    record_build(&call, program, device_count, devices);
    return result;
}

SNAG_EXPORT cl_program clLinkProgram(cl_context context, cl_uint device_count, const cl_device_id *devices,
                                     const char *options, cl_uint program_count, const cl_program *programs,
                                     void(CL_CALLBACK *notify)(cl_program, void *), void *user_data, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clLinkProgram, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING())
        return REAL.clLinkProgram(context, device_count, devices, options, program_count, programs, notify, user_data,
                                  error_out);
    struct call call;
    call_begin(&call, SNAG_CL_LINK_PROGRAM, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_program program = REAL.clLinkProgram(context, device_count, devices, options, program_count, programs, notify,
                                            user_data, &error);
    call_returned(&call, error);
    if (program) record_build(&call, program, device_count, devices);
    else call_record(&call, NULL, 0);
    if (error_out) *error_out = error;
    return program;
}

/* ---- kernels ---- */

SNAG_EXPORT cl_kernel clCreateKernel(cl_program program, const char *name, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateKernel, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateKernel(program, name, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_KERNEL, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_kernel kernel = REAL.clCreateKernel(program, name, &error);
    call.record.object = (uint64_t)(uintptr_t)kernel;
    call.record.detail = (uint64_t)(uintptr_t)program;
    call_end(&call, error);
    if (kernel) record_object(SNAG_OPENCL_KERNEL, kernel, program, 0, name);
    if (error_out) *error_out = error;
    return kernel;
}

SNAG_EXPORT cl_int clCreateKernelsInProgram(cl_program program, cl_uint capacity, cl_kernel *kernels, cl_uint *count_out)
{
    OPENCL_REAL_OR_RETURN(clCreateKernelsInProgram, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clCreateKernelsInProgram(program, capacity, kernels, count_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_KERNELS_IN_PROGRAM, SNAG_CALLER());
    cl_uint count = 0;
    cl_int result = REAL.clCreateKernelsInProgram(program, capacity, kernels, &count);
    call.record.detail = (uint64_t)(uintptr_t)program;
    call_end(&call, result);
    if (result == CL_SUCCESS && kernels)
        for (cl_uint index = 0; index < count && index < capacity; index++) describe_kernel(kernels[index], program);
    if (count_out) *count_out = count;
    return result;
}

SNAG_EXPORT cl_kernel clCloneKernel(cl_kernel source, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCloneKernel, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCloneKernel(source, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CLONE_KERNEL, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_kernel kernel = REAL.clCloneKernel(source, &error);
    call.record.object = (uint64_t)(uintptr_t)kernel;
    call_end(&call, error);
    if (kernel) describe_kernel(kernel, NULL);
    if (error_out) *error_out = error;
    return kernel;
}

SNAG_EXPORT cl_int clSetKernelArg(cl_kernel kernel, cl_uint index, size_t size, const void *value)
{
    OPENCL_REAL_OR_RETURN(clSetKernelArg, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clSetKernelArg(kernel, index, size, value);
    struct call call;
    call_begin(&call, SNAG_CL_SET_KERNEL_ARG, SNAG_CALLER());
    cl_int result = REAL.clSetKernelArg(kernel, index, size, value);
    call.record.object = (uint64_t)(uintptr_t)kernel;
    call.record.detail = index;
    call.record.bytes = size;
    call_end(&call, result);
    return result;
}

/* ---- memory ---- */

SNAG_EXPORT cl_mem clCreateBuffer(cl_context context, cl_mem_flags flags, size_t size, void *host, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateBuffer, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateBuffer(context, flags, size, host, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_BUFFER, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_mem buffer = REAL.clCreateBuffer(context, flags, size, host, &error);
    call.record.object = (uint64_t)(uintptr_t)buffer;
    call.record.bytes = size;
    call.record.detail = flags;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return buffer;
}

SNAG_EXPORT cl_mem clCreateSubBuffer(cl_mem parent, cl_mem_flags flags, cl_buffer_create_type type, const void *info,
                                     cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateSubBuffer, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateSubBuffer(parent, flags, type, info, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_SUB_BUFFER, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_mem buffer = REAL.clCreateSubBuffer(parent, flags, type, info, &error);
    call.record.object = (uint64_t)(uintptr_t)buffer;
    if (buffer && type == CL_BUFFER_CREATE_TYPE_REGION) call.record.bytes = ((const cl_buffer_region *)info)->size;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return buffer;
}

SNAG_EXPORT cl_mem clCreateImage(cl_context context, cl_mem_flags flags, const cl_image_format *format,
                                 const cl_image_desc *description, void *host, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateImage, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateImage(context, flags, format, description, host, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_IMAGE, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_mem image = REAL.clCreateImage(context, flags, format, description, host, &error);
    call.record.object = (uint64_t)(uintptr_t)image;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return image;
}

SNAG_EXPORT void *clSVMAlloc(cl_context context, cl_svm_mem_flags flags, size_t size, cl_uint alignment)
{
    OPENCL_REAL_OR_RETURN(clSVMAlloc, NULL);
    if (!RECORDING()) return REAL.clSVMAlloc(context, flags, size, alignment);
    struct call call;
    call_begin(&call, SNAG_CL_SVM_ALLOC, SNAG_CALLER());
    void *pointer = REAL.clSVMAlloc(context, flags, size, alignment);
    call.record.object = (uint64_t)(uintptr_t)pointer;
    call.record.bytes = size;
    call_end(&call, pointer ? CL_SUCCESS : CL_OUT_OF_RESOURCES);
    return pointer;
}

SNAG_EXPORT void clSVMFree(cl_context context, void *pointer)
{
    OPENCL_REAL_OR_RETURN(clSVMFree, );
    if (!RECORDING()) {
        REAL.clSVMFree(context, pointer);
        return;
    }
    struct call call;
    call_begin(&call, SNAG_CL_SVM_FREE, SNAG_CALLER());
    REAL.clSVMFree(context, pointer);
    call.record.object = (uint64_t)(uintptr_t)pointer;
    call_end(&call, CL_SUCCESS);
}

/* ---- enqueues ----
 * Each: begin (the event to pass), the real call, the arguments that matter,
 * end (the callback that collects the device's times). */

#define ENQUEUE_BEGIN(function_id, queue, event)                                    \
    struct enqueue enqueue;                                                         \
    cl_event *event_to_pass = enqueue_begin(&enqueue, function_id, queue, event, SNAG_CALLER())

SNAG_EXPORT cl_int clEnqueueNDRangeKernel(cl_command_queue queue, cl_kernel kernel, cl_uint work_dim,
                                          const size_t *global_offset, const size_t *global_size,
                                          const size_t *local_size, cl_uint wait_count, const cl_event *wait_list,
                                          cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueNDRangeKernel, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueNDRangeKernel(queue, kernel, work_dim, global_offset, global_size, local_size, wait_count,
                                           wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_NDRANGE_KERNEL, queue, event);
    cl_int result = REAL.clEnqueueNDRangeKernel(queue, kernel, work_dim, global_offset, global_size, local_size,
                                                wait_count, wait_list, event_to_pass);
    struct snag_opencl_call_record *record = &enqueue.call.record;
    record->object = (uint64_t)(uintptr_t)kernel;
    record->work_dim = (uint16_t)work_dim;
    for (cl_uint dimension = 0; dimension < work_dim && dimension < 3; dimension++) {
        if (global_size) record->global_size[dimension] = global_size[dimension];
        if (local_size) record->local_size[dimension] = local_size[dimension];
    }
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueTask(cl_command_queue queue, cl_kernel kernel, cl_uint wait_count,
                                 const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueTask, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueTask(queue, kernel, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_TASK, queue, event);
    cl_int result = REAL.clEnqueueTask(queue, kernel, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)kernel;
    enqueue.call.record.work_dim = 1;
    enqueue.call.record.global_size[0] = enqueue.call.record.local_size[0] = 1;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueReadBuffer(cl_command_queue queue, cl_mem buffer, cl_bool blocking, size_t offset,
                                       size_t size, void *host, cl_uint wait_count, const cl_event *wait_list,
                                       cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueReadBuffer, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueReadBuffer(queue, buffer, blocking, offset, size, host, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_READ_BUFFER, queue, event);
    cl_int result =
        REAL.clEnqueueReadBuffer(queue, buffer, blocking, offset, size, host, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)buffer;
    enqueue.call.record.bytes = size;
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueWriteBuffer(cl_command_queue queue, cl_mem buffer, cl_bool blocking, size_t offset,
                                        size_t size, const void *host, cl_uint wait_count, const cl_event *wait_list,
                                        cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueWriteBuffer, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueWriteBuffer(queue, buffer, blocking, offset, size, host, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_WRITE_BUFFER, queue, event);
    cl_int result =
        REAL.clEnqueueWriteBuffer(queue, buffer, blocking, offset, size, host, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)buffer;
    enqueue.call.record.bytes = size;
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueReadBufferRect(cl_command_queue queue, cl_mem buffer, cl_bool blocking,
                                           const size_t *buffer_origin, const size_t *host_origin,
                                           const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch,
                                           size_t host_row_pitch, size_t host_slice_pitch, void *host,
                                           cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueReadBufferRect, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueReadBufferRect(queue, buffer, blocking, buffer_origin, host_origin, region,
                                            buffer_row_pitch, buffer_slice_pitch, host_row_pitch, host_slice_pitch,
                                            host, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_READ_BUFFER_RECT, queue, event);
    cl_int result = REAL.clEnqueueReadBufferRect(queue, buffer, blocking, buffer_origin, host_origin, region,
                                                 buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
                                                 host_slice_pitch, host, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)buffer;
    enqueue.call.record.bytes = region_bytes(region);
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueWriteBufferRect(cl_command_queue queue, cl_mem buffer, cl_bool blocking,
                                            const size_t *buffer_origin, const size_t *host_origin,
                                            const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch,
                                            size_t host_row_pitch, size_t host_slice_pitch, const void *host,
                                            cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueWriteBufferRect, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueWriteBufferRect(queue, buffer, blocking, buffer_origin, host_origin, region,
                                             buffer_row_pitch, buffer_slice_pitch, host_row_pitch, host_slice_pitch,
                                             host, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_WRITE_BUFFER_RECT, queue, event);
    cl_int result = REAL.clEnqueueWriteBufferRect(queue, buffer, blocking, buffer_origin, host_origin, region,
                                                  buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
                                                  host_slice_pitch, host, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)buffer;
    enqueue.call.record.bytes = region_bytes(region);
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueCopyBuffer(cl_command_queue queue, cl_mem source, cl_mem destination, size_t source_offset,
                                       size_t destination_offset, size_t size, cl_uint wait_count,
                                       const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueCopyBuffer, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueCopyBuffer(queue, source, destination, source_offset, destination_offset, size,
                                        wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_COPY_BUFFER, queue, event);
    cl_int result = REAL.clEnqueueCopyBuffer(queue, source, destination, source_offset, destination_offset, size,
                                             wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)destination;
    enqueue.call.record.detail = (uint64_t)(uintptr_t)source;
    enqueue.call.record.bytes = size;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueCopyBufferRect(cl_command_queue queue, cl_mem source, cl_mem destination,
                                           const size_t *source_origin, const size_t *destination_origin,
                                           const size_t *region, size_t source_row_pitch, size_t source_slice_pitch,
                                           size_t destination_row_pitch, size_t destination_slice_pitch,
                                           cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueCopyBufferRect, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueCopyBufferRect(queue, source, destination, source_origin, destination_origin, region,
                                            source_row_pitch, source_slice_pitch, destination_row_pitch,
                                            destination_slice_pitch, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_COPY_BUFFER_RECT, queue, event);
    cl_int result = REAL.clEnqueueCopyBufferRect(queue, source, destination, source_origin, destination_origin,
                                                 region, source_row_pitch, source_slice_pitch, destination_row_pitch,
                                                 destination_slice_pitch, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)destination;
    enqueue.call.record.detail = (uint64_t)(uintptr_t)source;
    enqueue.call.record.bytes = region_bytes(region);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueFillBuffer(cl_command_queue queue, cl_mem buffer, const void *pattern, size_t pattern_size,
                                       size_t offset, size_t size, cl_uint wait_count, const cl_event *wait_list,
                                       cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueFillBuffer, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueFillBuffer(queue, buffer, pattern, pattern_size, offset, size, wait_count, wait_list,
                                        event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_FILL_BUFFER, queue, event);
    cl_int result = REAL.clEnqueueFillBuffer(queue, buffer, pattern, pattern_size, offset, size, wait_count,
                                             wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)buffer;
    enqueue.call.record.bytes = size;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT void *clEnqueueMapBuffer(cl_command_queue queue, cl_mem buffer, cl_bool blocking, cl_map_flags flags,
                                     size_t offset, size_t size, cl_uint wait_count, const cl_event *wait_list,
                                     cl_event *event, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clEnqueueMapBuffer, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING())
        return REAL.clEnqueueMapBuffer(queue, buffer, blocking, flags, offset, size, wait_count, wait_list, event,
                                       error_out);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_MAP_BUFFER, queue, event);
    cl_int error = CL_SUCCESS;
    void *mapped = REAL.clEnqueueMapBuffer(queue, buffer, blocking, flags, offset, size, wait_count, wait_list,
                                           event_to_pass, &error);
    enqueue.call.record.object = (uint64_t)(uintptr_t)buffer;
    enqueue.call.record.bytes = size;
    enqueue.call.record.detail = flags;
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, error);
    if (error_out) *error_out = error;
    return mapped;
}

SNAG_EXPORT cl_int clEnqueueUnmapMemObject(cl_command_queue queue, cl_mem memory, void *mapped, cl_uint wait_count,
                                           const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueUnmapMemObject, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueUnmapMemObject(queue, memory, mapped, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_UNMAP_MEM_OBJECT, queue, event);
    cl_int result = REAL.clEnqueueUnmapMemObject(queue, memory, mapped, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)memory;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueReadImage(cl_command_queue queue, cl_mem image, cl_bool blocking, const size_t *origin,
                                      const size_t *region, size_t row_pitch, size_t slice_pitch, void *host,
                                      cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueReadImage, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueReadImage(queue, image, blocking, origin, region, row_pitch, slice_pitch, host,
                                       wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_READ_IMAGE, queue, event);
    cl_int result = REAL.clEnqueueReadImage(queue, image, blocking, origin, region, row_pitch, slice_pitch, host,
                                            wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)image;
    enqueue.call.record.bytes = image_region_bytes(image, region);
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueWriteImage(cl_command_queue queue, cl_mem image, cl_bool blocking, const size_t *origin,
                                       const size_t *region, size_t row_pitch, size_t slice_pitch, const void *host,
                                       cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueWriteImage, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueWriteImage(queue, image, blocking, origin, region, row_pitch, slice_pitch, host,
                                        wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_WRITE_IMAGE, queue, event);
    cl_int result = REAL.clEnqueueWriteImage(queue, image, blocking, origin, region, row_pitch, slice_pitch, host,
                                             wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)image;
    enqueue.call.record.bytes = image_region_bytes(image, region);
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueCopyImage(cl_command_queue queue, cl_mem source, cl_mem destination,
                                      const size_t *source_origin, const size_t *destination_origin,
                                      const size_t *region, cl_uint wait_count, const cl_event *wait_list,
                                      cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueCopyImage, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueCopyImage(queue, source, destination, source_origin, destination_origin, region,
                                       wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_COPY_IMAGE, queue, event);
    cl_int result = REAL.clEnqueueCopyImage(queue, source, destination, source_origin, destination_origin, region,
                                            wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)destination;
    enqueue.call.record.detail = (uint64_t)(uintptr_t)source;
    enqueue.call.record.bytes = image_region_bytes(source, region);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueFillImage(cl_command_queue queue, cl_mem image, const void *color, const size_t *origin,
                                      const size_t *region, cl_uint wait_count, const cl_event *wait_list,
                                      cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueFillImage, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueFillImage(queue, image, color, origin, region, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_FILL_IMAGE, queue, event);
    cl_int result = REAL.clEnqueueFillImage(queue, image, color, origin, region, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)image;
    enqueue.call.record.bytes = image_region_bytes(image, region);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueCopyImageToBuffer(cl_command_queue queue, cl_mem source, cl_mem destination,
                                              const size_t *source_origin, const size_t *region,
                                              size_t destination_offset, cl_uint wait_count,
                                              const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueCopyImageToBuffer, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueCopyImageToBuffer(queue, source, destination, source_origin, region, destination_offset,
                                               wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_COPY_IMAGE_TO_BUFFER, queue, event);
    cl_int result = REAL.clEnqueueCopyImageToBuffer(queue, source, destination, source_origin, region,
                                                    destination_offset, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)destination;
    enqueue.call.record.detail = (uint64_t)(uintptr_t)source;
    enqueue.call.record.bytes = image_region_bytes(source, region);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueCopyBufferToImage(cl_command_queue queue, cl_mem source, cl_mem destination,
                                              size_t source_offset, const size_t *destination_origin,
                                              const size_t *region, cl_uint wait_count, const cl_event *wait_list,
                                              cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueCopyBufferToImage, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueCopyBufferToImage(queue, source, destination, source_offset, destination_origin, region,
                                               wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_COPY_BUFFER_TO_IMAGE, queue, event);
    cl_int result = REAL.clEnqueueCopyBufferToImage(queue, source, destination, source_offset, destination_origin,
                                                    region, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)destination;
    enqueue.call.record.detail = (uint64_t)(uintptr_t)source;
    enqueue.call.record.bytes = image_region_bytes(destination, region);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT void *clEnqueueMapImage(cl_command_queue queue, cl_mem image, cl_bool blocking, cl_map_flags flags,
                                    const size_t *origin, const size_t *region, size_t *row_pitch,
                                    size_t *slice_pitch, cl_uint wait_count, const cl_event *wait_list,
                                    cl_event *event, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clEnqueueMapImage, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING())
        return REAL.clEnqueueMapImage(queue, image, blocking, flags, origin, region, row_pitch, slice_pitch,
                                      wait_count, wait_list, event, error_out);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_MAP_IMAGE, queue, event);
    cl_int error = CL_SUCCESS;
    void *mapped = REAL.clEnqueueMapImage(queue, image, blocking, flags, origin, region, row_pitch, slice_pitch,
                                          wait_count, wait_list, event_to_pass, &error);
    enqueue.call.record.object = (uint64_t)(uintptr_t)image;
    enqueue.call.record.bytes = image_region_bytes(image, region);
    enqueue.call.record.detail = flags;
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, error);
    if (error_out) *error_out = error;
    return mapped;
}

SNAG_EXPORT cl_int clEnqueueMarker(cl_command_queue queue, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueMarker, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueMarker(queue, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_MARKER, queue, event);
    cl_int result = REAL.clEnqueueMarker(queue, event_to_pass);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueMarkerWithWaitList(cl_command_queue queue, cl_uint wait_count, const cl_event *wait_list,
                                               cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueMarkerWithWaitList, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueMarkerWithWaitList(queue, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_MARKER_WITH_WAIT_LIST, queue, event);
    cl_int result = REAL.clEnqueueMarkerWithWaitList(queue, wait_count, wait_list, event_to_pass);
    enqueue_end(&enqueue, result);
    return result;
}

/* No event to attach: the host call is all there is to record. */
SNAG_EXPORT cl_int clEnqueueBarrier(cl_command_queue queue)
{
    OPENCL_REAL_OR_RETURN(clEnqueueBarrier, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueBarrier(queue);
    struct call call;
    call_begin(&call, SNAG_CL_ENQUEUE_BARRIER, SNAG_CALLER());
    call.record.queue = (uint64_t)(uintptr_t)queue;
    cl_int result = REAL.clEnqueueBarrier(queue);
    call_end(&call, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueBarrierWithWaitList(cl_command_queue queue, cl_uint wait_count, const cl_event *wait_list,
                                                cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueBarrierWithWaitList, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueBarrierWithWaitList(queue, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_BARRIER_WITH_WAIT_LIST, queue, event);
    cl_int result = REAL.clEnqueueBarrierWithWaitList(queue, wait_count, wait_list, event_to_pass);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueWaitForEvents(cl_command_queue queue, cl_uint count, const cl_event *events)
{
    OPENCL_REAL_OR_RETURN(clEnqueueWaitForEvents, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueWaitForEvents(queue, count, events);
    struct call call;
    call_begin(&call, SNAG_CL_ENQUEUE_WAIT_FOR_EVENTS, SNAG_CALLER());
    call.record.queue = (uint64_t)(uintptr_t)queue;
    call.record.bytes = count;
    cl_int result = REAL.clEnqueueWaitForEvents(queue, count, events);
    call_end(&call, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueMigrateMemObjects(cl_command_queue queue, cl_uint count, const cl_mem *objects,
                                              cl_mem_migration_flags flags, cl_uint wait_count,
                                              const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueMigrateMemObjects, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueMigrateMemObjects(queue, count, objects, flags, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_MIGRATE_MEM_OBJECTS, queue, event);
    cl_int result =
        REAL.clEnqueueMigrateMemObjects(queue, count, objects, flags, wait_count, wait_list, event_to_pass);
    enqueue.call.record.detail = flags;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueSVMFree(cl_command_queue queue, cl_uint count, void *pointers[],
                                    void(CL_CALLBACK *free_function)(cl_command_queue, cl_uint, void *[], void *),
                                    void *user_data, cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueSVMFree, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueSVMFree(queue, count, pointers, free_function, user_data, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_SVM_FREE, queue, event);
    cl_int result = REAL.clEnqueueSVMFree(queue, count, pointers, free_function, user_data, wait_count, wait_list,
                                          event_to_pass);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueSVMMemcpy(cl_command_queue queue, cl_bool blocking, void *destination, const void *source,
                                      size_t size, cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueSVMMemcpy, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueSVMMemcpy(queue, blocking, destination, source, size, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_SVM_MEMCPY, queue, event);
    cl_int result =
        REAL.clEnqueueSVMMemcpy(queue, blocking, destination, source, size, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)destination;
    enqueue.call.record.detail = (uint64_t)(uintptr_t)source;
    enqueue.call.record.bytes = size;
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueSVMMemFill(cl_command_queue queue, void *pointer, const void *pattern, size_t pattern_size,
                                       size_t size, cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueSVMMemFill, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueSVMMemFill(queue, pointer, pattern, pattern_size, size, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_SVM_MEM_FILL, queue, event);
    cl_int result =
        REAL.clEnqueueSVMMemFill(queue, pointer, pattern, pattern_size, size, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)pointer;
    enqueue.call.record.bytes = size;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueSVMMap(cl_command_queue queue, cl_bool blocking, cl_map_flags flags, void *pointer,
                                   size_t size, cl_uint wait_count, const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueSVMMap, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueSVMMap(queue, blocking, flags, pointer, size, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_SVM_MAP, queue, event);
    cl_int result = REAL.clEnqueueSVMMap(queue, blocking, flags, pointer, size, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)pointer;
    enqueue.call.record.bytes = size;
    enqueue.call.record.detail = flags;
    set_blocking(&enqueue.call, blocking);
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueSVMUnmap(cl_command_queue queue, void *pointer, cl_uint wait_count,
                                     const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueSVMUnmap, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clEnqueueSVMUnmap(queue, pointer, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_SVM_UNMAP, queue, event);
    cl_int result = REAL.clEnqueueSVMUnmap(queue, pointer, wait_count, wait_list, event_to_pass);
    enqueue.call.record.object = (uint64_t)(uintptr_t)pointer;
    enqueue_end(&enqueue, result);
    return result;
}

SNAG_EXPORT cl_int clEnqueueSVMMigrateMem(cl_command_queue queue, cl_uint count, const void **pointers,
                                          const size_t *sizes, cl_mem_migration_flags flags, cl_uint wait_count,
                                          const cl_event *wait_list, cl_event *event)
{
    OPENCL_REAL_OR_RETURN(clEnqueueSVMMigrateMem, CL_INVALID_OPERATION);
    if (!RECORDING())
        return REAL.clEnqueueSVMMigrateMem(queue, count, pointers, sizes, flags, wait_count, wait_list, event);
    ENQUEUE_BEGIN(SNAG_CL_ENQUEUE_SVM_MIGRATE_MEM, queue, event);
    cl_int result =
        REAL.clEnqueueSVMMigrateMem(queue, count, pointers, sizes, flags, wait_count, wait_list, event_to_pass);
    enqueue.call.record.detail = flags;
    enqueue_end(&enqueue, result);
    return result;
}

/* ---- synchronisation and events ---- */

SNAG_EXPORT cl_int clFinish(cl_command_queue queue)
{
    OPENCL_REAL_OR_RETURN(clFinish, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clFinish(queue);
    struct call call;
    call_begin(&call, SNAG_CL_FINISH, SNAG_CALLER());
    call.record.queue = (uint64_t)(uintptr_t)queue;
    call.record.flags = SNAG_OPENCL_WAITS;
    cl_int result = REAL.clFinish(queue);
    call_end(&call, result);
    return result;
}

SNAG_EXPORT cl_int clWaitForEvents(cl_uint count, const cl_event *events)
{
    OPENCL_REAL_OR_RETURN(clWaitForEvents, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clWaitForEvents(count, events);
    struct call call;
    call_begin(&call, SNAG_CL_WAIT_FOR_EVENTS, SNAG_CALLER());
    call.record.flags = SNAG_OPENCL_WAITS;
    call.record.bytes = count;
    if (count && events) call.record.event = (uint64_t)(uintptr_t)events[0];
    cl_int result = REAL.clWaitForEvents(count, events);
    call_end(&call, result);
    return result;
}

SNAG_EXPORT cl_int clGetEventInfo(cl_event event, cl_event_info name, size_t size, void *value, size_t *size_out)
{
    OPENCL_REAL_OR_RETURN(clGetEventInfo, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clGetEventInfo(event, name, size, value, size_out);
    struct call call;
    call_begin(&call, SNAG_CL_GET_EVENT_INFO, SNAG_CALLER());
    cl_int result = REAL.clGetEventInfo(event, name, size, value, size_out);
    call.record.event = (uint64_t)(uintptr_t)event;
    call.record.detail = name;
    call_end(&call, result);
    return result;
}

/* A queue the program created without profiling answers as such a queue
 * does, even though snag turned profiling on for itself. */
SNAG_EXPORT cl_int clGetEventProfilingInfo(cl_event event, cl_profiling_info name, size_t size, void *value,
                                           size_t *size_out)
{
    OPENCL_REAL_OR_RETURN(clGetEventProfilingInfo, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clGetEventProfilingInfo(event, name, size, value, size_out);
    struct call call;
    call_begin(&call, SNAG_CL_GET_EVENT_PROFILING_INFO, SNAG_CALLER());
    cl_command_queue queue = NULL;
    cl_int result;
    if (REAL.clGetEventInfo(event, CL_EVENT_COMMAND_QUEUE, sizeof queue, &queue, NULL) == CL_SUCCESS &&
        forced_queue(queue))
        result = CL_PROFILING_INFO_NOT_AVAILABLE;
    else
        result = REAL.clGetEventProfilingInfo(event, name, size, value, size_out);
    call.record.event = (uint64_t)(uintptr_t)event;
    call.record.detail = name;
    call_end(&call, result);
    return result;
}

SNAG_EXPORT cl_event clCreateUserEvent(cl_context context, cl_int *error_out)
{
    OPENCL_REAL_OR_RETURN(clCreateUserEvent, (error_out ? *error_out = CL_INVALID_OPERATION : 0, NULL));
    if (!RECORDING()) return REAL.clCreateUserEvent(context, error_out);
    struct call call;
    call_begin(&call, SNAG_CL_CREATE_USER_EVENT, SNAG_CALLER());
    cl_int error = CL_SUCCESS;
    cl_event event = REAL.clCreateUserEvent(context, &error);
    call.record.event = (uint64_t)(uintptr_t)event;
    if (event) call.record.flags = SNAG_OPENCL_PROGRAM_EVENT;
    call_end(&call, error);
    if (error_out) *error_out = error;
    return event;
}

SNAG_EXPORT cl_int clSetUserEventStatus(cl_event event, cl_int status)
{
    OPENCL_REAL_OR_RETURN(clSetUserEventStatus, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clSetUserEventStatus(event, status);
    struct call call;
    call_begin(&call, SNAG_CL_SET_USER_EVENT_STATUS, SNAG_CALLER());
    cl_int result = REAL.clSetUserEventStatus(event, status);
    call.record.event = (uint64_t)(uintptr_t)event;
    call.record.detail = (uint64_t)(int64_t)status;
    call_end(&call, result);
    return result;
}

SNAG_EXPORT cl_int clSetEventCallback(cl_event event, cl_int type, void(CL_CALLBACK *notify)(cl_event, cl_int, void *),
                                      void *user_data)
{
    OPENCL_REAL_OR_RETURN(clSetEventCallback, CL_INVALID_OPERATION);
    if (!RECORDING()) return REAL.clSetEventCallback(event, type, notify, user_data);
    struct call call;
    call_begin(&call, SNAG_CL_SET_EVENT_CALLBACK, SNAG_CALLER());
    cl_int result = REAL.clSetEventCallback(event, type, notify, user_data);
    call.record.event = (uint64_t)(uintptr_t)event;
    call.record.detail = (uint64_t)(int64_t)type;
    call_end(&call, result);
    return result;
}

/* ---- looked-up entry points ----
 * A program that asks the loader for a core function by name gets snag's
 * wrapper, as a direct call would. */

static const struct {
    const char *name;
    void *wrapper;
} wrappers[] = {
#define SNAG_OPENCL_WRAPPER_ENTRY(name, ret, params) {#name, (void *)name},
    SNAG_OPENCL_WRAPPED_FUNCTIONS(SNAG_OPENCL_WRAPPER_ENTRY)
#undef SNAG_OPENCL_WRAPPER_ENTRY
};

static void *wrapper_for(const char *name, void *found)
{
    if (!found || !name) return found;
    for (size_t index = 0; index < sizeof wrappers / sizeof wrappers[0]; index++)
        if (strcmp(wrappers[index].name, name) == 0) return wrappers[index].wrapper;
    return found;
}

SNAG_EXPORT void *clGetExtensionFunctionAddress(const char *name)
{
    OPENCL_REAL_OR_RETURN(clGetExtensionFunctionAddress, NULL);
    return wrapper_for(name, REAL.clGetExtensionFunctionAddress(name));
}

SNAG_EXPORT void *clGetExtensionFunctionAddressForPlatform(cl_platform_id platform, const char *name)
{
    OPENCL_REAL_OR_RETURN(clGetExtensionFunctionAddressForPlatform, NULL);
    return wrapper_for(name, REAL.clGetExtensionFunctionAddressForPlatform(platform, name));
}
