/* opencl_program_view: checks that what an OpenCL program sees is what it asked for -- run natively and under snag, it must pass both ways. */
/*
 * Checks, printing each failure and exiting 1 if any:
 *  - a queue created without profiling reports CL_QUEUE_PROPERTIES 0 and
 *    its events answer CL_PROFILING_INFO_NOT_AVAILABLE, although snag
 *    turns profiling on underneath;
 *  - CL_QUEUE_PROPERTIES_ARRAY gives back the list the program passed
 *    (the runtime's answer for none is printed: the test compares it with
 *    the native run's);
 *  - an event the program gets has reference count 1 once its command
 *    completed, 2 after clRetainEvent: snag's callback holds no reference;
 *  - enqueues that pass no event leak none: `rounds` rounds of `per_round`
 *    NULL-event commands each leave the memory the process has allocated
 *    flat after the first round;
 *  - errors come back as the runtime returned them (a read past the end).
 * Exits 77 without an OpenCL platform.
 */
/* clCreateCommandQueue on purpose: the OpenCL 1.x way programs still use */
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <stdio.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include "opencl_sample.h"

static int failures;

static void expect(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "FAILED: %s\n", what);
        failures++;
    }
}

/* Bytes the process has malloc'ed and not freed: a leaked event is some of them. */
static long allocated_bytes(void)
{
    struct mallinfo2 info = mallinfo2();
    return (long)info.uordblks;
}

/* The event's reference count once it settles at `expected`, or what it
 * still is after 2 s: a runtime may hold its own reference for a moment after
 * clFinish returns (PoCL does, without snag too). */
static cl_uint reference_count(cl_event event, cl_uint expected)
{
    cl_uint count = 0;
    for (int attempt = 0; attempt < 2000; attempt++) {
        opencl_check(clGetEventInfo(event, CL_EVENT_REFERENCE_COUNT, sizeof count, &count, NULL), "clGetEventInfo");
        if (count == expected) break;
        usleep(1000);
    }
    return count;
}

static void check_queue_view(const struct opencl_sample *sample)
{
    cl_int error;
    cl_command_queue plain = clCreateCommandQueueWithProperties(sample->context, sample->device, NULL, &error);
    opencl_check(error, "clCreateCommandQueueWithProperties");
    cl_command_queue_properties properties = 99;
    opencl_check(clGetCommandQueueInfo(plain, CL_QUEUE_PROPERTIES, sizeof properties, &properties, NULL),
                 "clGetCommandQueueInfo");
    expect(properties == 0, "a queue made without properties reports CL_QUEUE_PROPERTIES 0");
    size_t size = 99;
    opencl_check(clGetCommandQueueInfo(plain, CL_QUEUE_PROPERTIES_ARRAY, 0, NULL, &size), "clGetCommandQueueInfo");
    printf("CL_QUEUE_PROPERTIES_ARRAY of a queue made without properties: %zu bytes\n", size);

    cl_event marker;
    opencl_check(clEnqueueMarkerWithWaitList(plain, 0, NULL, &marker), "clEnqueueMarkerWithWaitList");
    opencl_check(clFinish(plain), "clFinish");
    cl_ulong start = 0;
    expect(clGetEventProfilingInfo(marker, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) ==
               CL_PROFILING_INFO_NOT_AVAILABLE,
           "an event of a queue without profiling answers CL_PROFILING_INFO_NOT_AVAILABLE");
    cl_uint count = reference_count(marker, 1);
    printf("reference count of a completed event: %u\n", count);
    expect(count == 1, "a completed event the program got has reference count 1");
    opencl_check(clRetainEvent(marker), "clRetainEvent");
    count = reference_count(marker, 2);
    printf("after clRetainEvent: %u\n", count);
    expect(count == 2, "after clRetainEvent its reference count is 2");
    opencl_check(clReleaseEvent(marker), "clReleaseEvent");
    opencl_check(clReleaseEvent(marker), "clReleaseEvent");
    clReleaseCommandQueue(plain);

    cl_queue_properties asked[] = {CL_QUEUE_PROPERTIES, CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, 0};
    cl_command_queue out_of_order = clCreateCommandQueueWithProperties(sample->context, sample->device, asked, &error);
    if (error == CL_INVALID_QUEUE_PROPERTIES || error == CL_INVALID_VALUE) return; /* the device has none */
    opencl_check(error, "clCreateCommandQueueWithProperties");
    opencl_check(clGetCommandQueueInfo(out_of_order, CL_QUEUE_PROPERTIES, sizeof properties, &properties, NULL),
                 "clGetCommandQueueInfo");
    expect(properties == CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, "an out-of-order queue reports exactly that");
    cl_queue_properties list[8] = {0};
    opencl_check(clGetCommandQueueInfo(out_of_order, CL_QUEUE_PROPERTIES_ARRAY, sizeof list, list, &size),
                 "clGetCommandQueueInfo");
    expect(size == sizeof asked && memcmp(list, asked, sizeof asked) == 0,
           "CL_QUEUE_PROPERTIES_ARRAY gives back the list the program passed");
    clReleaseCommandQueue(out_of_order);
}

static void check_no_leak(const struct opencl_sample *sample, int rounds, int per_round)
{
    cl_int error;
    cl_command_queue queue = clCreateCommandQueue(sample->context, sample->device, 0, &error);
    opencl_check(error, "clCreateCommandQueue");
    cl_mem buffer = clCreateBuffer(sample->context, CL_MEM_READ_WRITE, 64, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    int pattern = 7;
    long after_first = 0;
    for (int round = 0; round < rounds; round++) {
        for (int command = 0; command < per_round; command++)
            opencl_check(clEnqueueFillBuffer(queue, buffer, &pattern, sizeof pattern, 0, 64, 0, NULL, NULL),
                         "clEnqueueFillBuffer");
        opencl_check(clFinish(queue), "clFinish");
        if (round == 0) after_first = allocated_bytes();
    }
    long growth = allocated_bytes() - after_first;
    long per_command = growth / ((long)(rounds - 1) * per_round);
    printf("allocated memory growth after the first round: %ld bytes per NULL-event command\n", per_command);
    /* a leaked event is hundreds of bytes */
    expect(per_command < 16, "enqueues without events leak nothing (allocated memory stays flat)");
    clReleaseMemObject(buffer);
    clReleaseCommandQueue(queue);
}

static void check_errors(const struct opencl_sample *sample)
{
    cl_int error;
    cl_command_queue queue = clCreateCommandQueue(sample->context, sample->device, 0, &error);
    opencl_check(error, "clCreateCommandQueue");
    cl_mem buffer = clCreateBuffer(sample->context, CL_MEM_READ_WRITE, 64, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    char host[128];
    expect(clEnqueueReadBuffer(queue, buffer, CL_TRUE, 0, sizeof host, host, 0, NULL, NULL) == CL_INVALID_VALUE,
           "a read past the buffer's end is refused with CL_INVALID_VALUE");
    cl_event never = NULL;
    expect(clEnqueueReadBuffer(queue, buffer, CL_FALSE, 0, sizeof host, host, 0, NULL, &never) == CL_INVALID_VALUE &&
               never == NULL,
           "a refused enqueue leaves the program's event alone");
    clReleaseMemObject(buffer);
    clReleaseCommandQueue(queue);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 6, per_round = argc > 2 ? atoi(argv[2]) : 2000;
    struct opencl_sample sample;
    opencl_sample_open(&sample);
    check_queue_view(&sample);
    check_no_leak(&sample, rounds, per_round);
    check_errors(&sample);
    opencl_sample_close(&sample);
    if (failures) return 1;
    printf("program view: ok\n");
    return 0;
}
