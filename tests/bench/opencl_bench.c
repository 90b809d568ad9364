/* opencl_bench: the host's cost of launching a kernel, for run_opencl_benchmark.sh to compare native and traced. */
/*
 * usage: opencl_bench [launches [batch]]    (defaults: 20000 launches, batches of 200)
 *
 * Launches an empty kernel (one work-item) `launches` times on one queue
 * without asking for events, `batch` launches then a clFinish, after a
 * warm-up batch (PoCL compiles the kernel on first use). Prints
 *   enqueue_ns=<host ns per clEnqueueNDRangeKernel call>
 *   total_ns=<wall ns per launch, enqueue to finish: the device's work,
 *             and under snag the event and its completion callback>
 * Exits 77 without an OpenCL platform.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "opencl_sample.h"

static uint64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int main(int argc, char **argv)
{
    long launches = argc > 1 ? atol(argv[1]) : 20000, batch = argc > 2 ? atol(argv[2]) : 200;
    if (launches < 1 || batch < 1) {
        fprintf(stderr, "usage: %s [launches [batch]]\n", argv[0]);
        return 2;
    }
    struct opencl_sample sample;
    opencl_sample_open(&sample);
    cl_int error;
    cl_command_queue queue = clCreateCommandQueueWithProperties(sample.context, sample.device, NULL, &error);
    opencl_check(error, "clCreateCommandQueueWithProperties");
    cl_program program = opencl_sample_build(&sample, "__kernel void nothing(__global int *data) { }\n");
    cl_kernel kernel = clCreateKernel(program, "nothing", &error);
    opencl_check(error, "clCreateKernel");
    cl_mem buffer = clCreateBuffer(sample.context, CL_MEM_READ_WRITE, sizeof(int), NULL, &error);
    opencl_check(error, "clCreateBuffer");
    opencl_check(clSetKernelArg(kernel, 0, sizeof buffer, &buffer), "clSetKernelArg");
    size_t global_size = 1;
    for (long launch = 0; launch < batch; launch++) /* warm-up: the kernel is compiled here */
        opencl_check(clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global_size, NULL, 0, NULL, NULL), "warm-up");
    opencl_check(clFinish(queue), "clFinish");

    uint64_t enqueue_ns = 0, start = now_ns();
    for (long done = 0; done < launches; done += batch) {
        uint64_t before = now_ns();
        for (long launch = 0; launch < batch && done + launch < launches; launch++)
            opencl_check(clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global_size, NULL, 0, NULL, NULL),
                         "clEnqueueNDRangeKernel");
        enqueue_ns += now_ns() - before;
        opencl_check(clFinish(queue), "clFinish");
    }
    uint64_t total_ns = now_ns() - start;
    printf("enqueue_ns=%.0f\ntotal_ns=%.0f\n", (double)enqueue_ns / (double)launches, (double)total_ns / (double)launches);
    clReleaseMemObject(buffer);
    clReleaseKernel(kernel);
    clReleaseProgram(program);
    clReleaseCommandQueue(queue);
    opencl_sample_close(&sample);
    return 0;
}
