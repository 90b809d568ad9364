/* opencl_vector_add: c = a + b on the first OpenCL device, launched `launches` times -- the smallest complete OpenCL program. */
/*
 * usage: opencl_vector_add [launches [elements]]    (defaults: 4 launches, 1048576 elements)
 *
 * Writes a and b once (two non-blocking writes, no events asked for),
 * launches the kernel `vector_add` `launches` times on one in-order queue,
 * then reads c back with one blocking read and checks it. Transfers:
 * 2 writes and 1 read of elements * 4 bytes each. Prints
 * "vector_add: <elements> elements, <launches> launches, ok". Exits 77 when
 * there is no OpenCL platform.
 */
#include <stdio.h>
#include <stdlib.h>

#include "opencl_sample.h"
#include "sample_args.h"

static const char *const kernel_source =
    "__kernel void vector_add(__global const float *a, __global const float *b, __global float *c)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    c[i] = a[i] + b[i];\n"
    "}\n";

int main(int argc, char **argv)
{
    long launches, elements;
    const struct sample_arg args[] = {
        {"launches", 1, 100000, 4, NULL, &launches},
        {"elements", 1, 1L << 26, 1L << 20, NULL, &elements},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    size_t bytes = (size_t)elements * sizeof(float);
    float *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
    if (!a || !b || !c) {
        perror("malloc");
        return 1;
    }
    for (long i = 0; i < elements; i++) {
        a[i] = (float)i;
        b[i] = (float)(2 * i);
    }

    struct opencl_sample sample;
    opencl_sample_open(&sample);
    cl_int error;
    cl_command_queue queue = clCreateCommandQueueWithProperties(sample.context, sample.device, NULL, &error);
    opencl_check(error, "clCreateCommandQueueWithProperties");
    cl_program program = opencl_sample_build(&sample, kernel_source);
    cl_kernel kernel = clCreateKernel(program, "vector_add", &error);
    opencl_check(error, "clCreateKernel");
    cl_mem buffer_a = clCreateBuffer(sample.context, CL_MEM_READ_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    cl_mem buffer_b = clCreateBuffer(sample.context, CL_MEM_READ_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    cl_mem buffer_c = clCreateBuffer(sample.context, CL_MEM_WRITE_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");

    opencl_check(clEnqueueWriteBuffer(queue, buffer_a, CL_FALSE, 0, bytes, a, 0, NULL, NULL), "clEnqueueWriteBuffer");
    opencl_check(clEnqueueWriteBuffer(queue, buffer_b, CL_FALSE, 0, bytes, b, 0, NULL, NULL), "clEnqueueWriteBuffer");
    opencl_check(clSetKernelArg(kernel, 0, sizeof buffer_a, &buffer_a), "clSetKernelArg");
    opencl_check(clSetKernelArg(kernel, 1, sizeof buffer_b, &buffer_b), "clSetKernelArg");
    opencl_check(clSetKernelArg(kernel, 2, sizeof buffer_c, &buffer_c), "clSetKernelArg");
    size_t global_size = (size_t)elements;
    for (long launch = 0; launch < launches; launch++)
        opencl_check(clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global_size, NULL, 0, NULL, NULL),
                     "clEnqueueNDRangeKernel");
    opencl_check(clEnqueueReadBuffer(queue, buffer_c, CL_TRUE, 0, bytes, c, 0, NULL, NULL), "clEnqueueReadBuffer");

    for (long i = 0; i < elements; i++) {
        if (c[i] != (float)(3 * i)) {
            fprintf(stderr, "vector_add: c[%ld] = %f, expected %f\n", i, (double)c[i], (double)(3 * i));
            return 1;
        }
    }
    clReleaseMemObject(buffer_a);
    clReleaseMemObject(buffer_b);
    clReleaseMemObject(buffer_c);
    clReleaseKernel(kernel);
    clReleaseProgram(program);
    clReleaseCommandQueue(queue);
    opencl_sample_close(&sample);
    free(a);
    free(b);
    free(c);
    printf("vector_add: %ld elements, %ld launches, ok\n", elements, launches);
    return 0;
}
