/* opencl_serialised_pipeline: write, kernel, BLOCKING read, host work, batch after batch -- host and device take turns. */
/*
 * usage: opencl_serialised_pipeline [batches [elements]]    (defaults: 12 batches, 131072 elements)
 *
 * One in-order queue. For every batch: a blocking write of the input, the
 * kernel `transform`, a blocking read of the output, then the host's
 * post-processing while the device has nothing to do. Every kernel launch
 * is followed by a blocking read, and the device sits idle about half the
 * time. opencl_overlapped_pipeline is the fixed version; both print
 * "pipeline: <batches> batches, checksum <sum>" with the same sum.
 */
#include <stdio.h>
#include <stdlib.h>

#include "opencl_pipeline.h"
#include "sample_args.h"

int main(int argc, char **argv)
{
    long batches, elements;
    const struct sample_arg args[] = {
        {"batches", 1, 100000, PIPELINE_DEFAULT_BATCHES, NULL, &batches},
        {"elements", 1, 1L << 24, PIPELINE_DEFAULT_ELEMENTS, NULL, &elements},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    size_t bytes = (size_t)elements * sizeof(float);
    float *input = malloc(bytes), *output = malloc(bytes);
    if (!input || !output) {
        perror("malloc");
        return 1;
    }
    struct opencl_sample sample;
    opencl_sample_open(&sample);
    cl_int error;
    cl_command_queue queue = clCreateCommandQueueWithProperties(sample.context, sample.device, NULL, &error);
    opencl_check(error, "clCreateCommandQueueWithProperties");
    cl_program program = opencl_sample_build(&sample, pipeline_kernel_source);
    cl_kernel kernel = clCreateKernel(program, "transform", &error);
    opencl_check(error, "clCreateKernel");
    cl_mem device_input = clCreateBuffer(sample.context, CL_MEM_READ_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    cl_mem device_output = clCreateBuffer(sample.context, CL_MEM_WRITE_ONLY, bytes, NULL, &error);
    opencl_check(error, "clCreateBuffer");
    opencl_check(clSetKernelArg(kernel, 0, sizeof device_input, &device_input), "clSetKernelArg");
    opencl_check(clSetKernelArg(kernel, 1, sizeof device_output, &device_output), "clSetKernelArg");

    double checksum = 0.0;
    size_t global_size = (size_t)elements;
    for (long batch = 0; batch < batches; batch++) {
        pipeline_fill_batch(input, elements, batch);
        opencl_check(clEnqueueWriteBuffer(queue, device_input, CL_TRUE, 0, bytes, input, 0, NULL, NULL),
                     "clEnqueueWriteBuffer");
        opencl_check(clEnqueueNDRangeKernel(queue, kernel, 1, NULL, &global_size, NULL, 0, NULL, NULL),
                     "clEnqueueNDRangeKernel");
        opencl_check(clEnqueueReadBuffer(queue, device_output, CL_TRUE, 0, bytes, output, 0, NULL, NULL),
                     "clEnqueueReadBuffer");
        checksum += pipeline_post_process(output, elements); /* the device idles meanwhile */
    }
    clReleaseMemObject(device_input);
    clReleaseMemObject(device_output);
    clReleaseKernel(kernel);
    clReleaseProgram(program);
    clReleaseCommandQueue(queue);
    opencl_sample_close(&sample);
    free(input);
    free(output);
    printf("pipeline: %ld batches, checksum %.6e\n", batches, checksum);
    return 0;
}
