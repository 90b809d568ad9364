/* opencl_misuse: the OpenCL habits snag reports -- a program rebuilt every iteration, clFinish in the loop, events never released. */
/*
 * usage: opencl_misuse [iterations]    (default 5)
 *
 * Every iteration builds the same source again, launches its kernel asking
 * for an event it never releases, and waits with clFinish. Prints
 * "misuse: <iterations> iterations". Exits 77 without an OpenCL platform.
 */
/* clCreateCommandQueue on purpose: the OpenCL 1.x way programs still use */
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <stdio.h>
#include <stdlib.h>

#include "opencl_sample.h"

static const char *const kernel_source = "__kernel void touch(__global int *data) { data[get_global_id(0)] += 1; }\n";

int main(int argc, char **argv)
{
    int iterations = argc > 1 ? atoi(argv[1]) : 5;
    struct opencl_sample sample;
    opencl_sample_open(&sample);
    cl_int error;
    cl_command_queue queue = clCreateCommandQueue(sample.context, sample.device, 0, &error);
    opencl_check(error, "clCreateCommandQueue");
    cl_mem buffer = clCreateBuffer(sample.context, CL_MEM_READ_WRITE, 1024 * sizeof(int), NULL, &error);
    opencl_check(error, "clCreateBuffer");
    int zero = 0;
    opencl_check(clEnqueueFillBuffer(queue, buffer, &zero, sizeof zero, 0, 1024 * sizeof(int), 0, NULL, NULL),
                 "clEnqueueFillBuffer");
    for (int iteration = 0; iteration < iterations; iteration++) {
        cl_program program = opencl_sample_build(&sample, kernel_source); /* built again every time */
        cl_kernel kernel = clCreateKernel(program, "touch", &error);
        opencl_check(error, "clCreateKernel");
        opencl_check(clSetKernelArg(kernel, 0, sizeof buffer, &buffer), "clSetKernelArg");
        size_t global_size = 1024;
        cl_event launched; /* never released */
        opencl_check(clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global_size, NULL, 0, NULL, &launched),
                     "clEnqueueNDRangeKernel");
        opencl_check(clFinish(queue), "clFinish");
        clReleaseKernel(kernel);
        clReleaseProgram(program);
    }
    int first = -1;
    opencl_check(clEnqueueReadBuffer(queue, buffer, CL_TRUE, 0, sizeof first, &first, 0, NULL, NULL),
                 "clEnqueueReadBuffer");
    clReleaseMemObject(buffer);
    clReleaseCommandQueue(queue);
    opencl_sample_close(&sample);
    printf("misuse: %d iterations, data[0] = %d\n", iterations, first);
    return first == iterations ? 0 : 1;
}
