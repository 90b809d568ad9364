/* opencl_shared_queue: N host threads share ONE command queue under a mutex (queue_lock), each holding it across a blocking read. */
/*
 * usage: opencl_shared_queue [threads [iterations]]    (defaults: 3 threads, 8 iterations)
 *
 * Each thread, `iterations` times: lock queue_lock, write its input, launch
 * the kernel `scale`, read the result back with a blocking read, unlock.
 * The lock is held while the device works, so the threads wait for the
 * lock while one of them waits for the device: the report shows both, on
 * the same timeline. threads * iterations launches in all. Prints
 * "shared_queue: <launches> launches, ok".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opencl_sample.h"
#include "sample_args.h"

#define ELEMENTS (1 << 16)

static const char *const kernel_source =
    "__kernel void scale(__global const float *in, __global float *out, float factor)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    float x = in[i];\n"
    "    for (int step = 0; step < 32; step++) x = x * factor + 1.0f;\n"
    "    out[i] = x;\n"
    "}\n";

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct opencl_sample sample;
static cl_command_queue shared_queue; /* used only with queue_lock held */
static cl_kernel shared_kernel;
static long iterations_per_thread;

__attribute__((noinline)) static void *shared_queue_worker(void *unused)
{
    (void)unused;
    size_t bytes = ELEMENTS * sizeof(float), global_size = ELEMENTS;
    float *input = malloc(bytes), *output = malloc(bytes);
    cl_int error;
    cl_mem device_input = clCreateBuffer(sample.context, CL_MEM_READ_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    cl_mem device_output = clCreateBuffer(sample.context, CL_MEM_WRITE_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    if (!input || !output) {
        perror("malloc");
        exit(1);
    }
    for (long i = 0; i < ELEMENTS; i++) input[i] = (float)(i % 100);
    float factor = 0.5f;
    for (long iteration = 0; iteration < iterations_per_thread; iteration++) {
        pthread_mutex_lock(&queue_lock);
        opencl_check(clEnqueueWriteBuffer(shared_queue, device_input, CL_FALSE, 0, bytes, input, 0, NULL, NULL),
                     "clEnqueueWriteBuffer");
        opencl_check(clSetKernelArg(shared_kernel, 0, sizeof device_input, &device_input), "clSetKernelArg");
        opencl_check(clSetKernelArg(shared_kernel, 1, sizeof device_output, &device_output), "clSetKernelArg");
        opencl_check(clSetKernelArg(shared_kernel, 2, sizeof factor, &factor), "clSetKernelArg");
        opencl_check(clEnqueueNDRangeKernel(shared_queue, shared_kernel, 1, NULL, &global_size, NULL, 0, NULL, NULL),
                     "clEnqueueNDRangeKernel");
        opencl_check(clEnqueueReadBuffer(shared_queue, device_output, CL_TRUE, 0, bytes, output, 0, NULL, NULL),
                     "clEnqueueReadBuffer");
        pthread_mutex_unlock(&queue_lock);
        if (output[1] != output[1] || output[1] < 1.0f) {
            fprintf(stderr, "shared_queue: wrong result %f\n", (double)output[1]);
            exit(1);
        }
    }
    clReleaseMemObject(device_input);
    clReleaseMemObject(device_output);
    free(input);
    free(output);
    return NULL;
}

int main(int argc, char **argv)
{
    long threads, iterations;
    const struct sample_arg args[] = {
        {"threads", 1, 64, 3, NULL, &threads},
        {"iterations", 0, 100000, 8, "per thread", &iterations},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    iterations_per_thread = iterations;
    opencl_sample_open(&sample);
    cl_int error;
    shared_queue = clCreateCommandQueueWithProperties(sample.context, sample.device, NULL, &error);
    opencl_check(error, "clCreateCommandQueueWithProperties");
    cl_program program = opencl_sample_build(&sample, kernel_source);
    shared_kernel = clCreateKernel(program, "scale", &error);
    opencl_check(error, "clCreateKernel");
    pthread_t workers[64];
    for (long t = 0; t < threads; t++) {
        int rc = pthread_create(&workers[t], NULL, shared_queue_worker, NULL);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long t = 0; t < threads; t++) pthread_join(workers[t], NULL);
    clReleaseKernel(shared_kernel);
    clReleaseProgram(program);
    clReleaseCommandQueue(shared_queue);
    opencl_sample_close(&sample);
    printf("shared_queue: %ld launches, ok\n", threads * iterations);
    return 0;
}
