/* opencl_overlapped_pipeline: the serialised pipeline fixed -- two queues, non-blocking reads with events, the host works on one batch while the device runs the next. */
/*
 * usage: opencl_overlapped_pipeline [batches [elements]]    (defaults: 12 batches, 131072 elements)
 *
 * Two in-order queues and two sets of buffers. Batch b+1 is enqueued on
 * one queue (non-blocking write, kernel, non-blocking read with an event)
 * before the host waits (clWaitForEvents) for batch b's read on the other
 * and post-processes it, so the device computes while the host works.
 * Same work and the same output as opencl_serialised_pipeline.
 */
#include <stdio.h>
#include <stdlib.h>

#include "opencl_pipeline.h"
#include "sample_args.h"

struct slot {
    cl_command_queue queue;
    cl_mem device_input, device_output;
    cl_kernel kernel;
    float *input, *output;
    cl_event read_done;
};

static void enqueue_batch(struct slot *slot, long batch, long elements)
{
    size_t bytes = (size_t)elements * sizeof(float), global_size = (size_t)elements;
    pipeline_fill_batch(slot->input, elements, batch);
    opencl_check(clEnqueueWriteBuffer(slot->queue, slot->device_input, CL_FALSE, 0, bytes, slot->input, 0, NULL, NULL),
                 "clEnqueueWriteBuffer");
    opencl_check(clEnqueueNDRangeKernel(slot->queue, slot->kernel, 1, NULL, &global_size, NULL, 0, NULL, NULL),
                 "clEnqueueNDRangeKernel");
    opencl_check(clEnqueueReadBuffer(slot->queue, slot->device_output, CL_FALSE, 0, bytes, slot->output, 0, NULL,
                                     &slot->read_done),
                 "clEnqueueReadBuffer");
    opencl_check(clFlush(slot->queue), "clFlush");
}

int main(int argc, char **argv)
{
    long batches, elements;
    const struct sample_arg args[] = {
        {"batches", 1, 100000, PIPELINE_DEFAULT_BATCHES, NULL, &batches},
        {"elements", 1, 1L << 24, PIPELINE_DEFAULT_ELEMENTS, NULL, &elements},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    size_t bytes = (size_t)elements * sizeof(float);
    struct opencl_sample sample;
    opencl_sample_open(&sample);
    cl_int error;
    cl_program program = opencl_sample_build(&sample, pipeline_kernel_source);
    struct slot slots[2];
    for (int index = 0; index < 2; index++) {
        struct slot *slot = &slots[index];
        slot->queue = clCreateCommandQueueWithProperties(sample.context, sample.device, NULL, &error);
        opencl_check(error, "clCreateCommandQueueWithProperties");
        slot->kernel = clCreateKernel(program, "transform", &error);
        opencl_check(error, "clCreateKernel");
        slot->device_input = clCreateBuffer(sample.context, CL_MEM_READ_ONLY, bytes, NULL, &error);
        opencl_check(error, "clCreateBuffer");
        slot->device_output = clCreateBuffer(sample.context, CL_MEM_WRITE_ONLY, bytes, NULL, &error);
        opencl_check(error, "clCreateBuffer");
        opencl_check(clSetKernelArg(slot->kernel, 0, sizeof slot->device_input, &slot->device_input), "clSetKernelArg");
        opencl_check(clSetKernelArg(slot->kernel, 1, sizeof slot->device_output, &slot->device_output),
                     "clSetKernelArg");
        slot->input = malloc(bytes);
        slot->output = malloc(bytes);
        if (!slot->input || !slot->output) {
            perror("malloc");
            return 1;
        }
    }

    double checksum = 0.0;
    enqueue_batch(&slots[0], 0, elements);
    for (long batch = 0; batch < batches; batch++) {
        struct slot *current = &slots[batch % 2];
        if (batch + 1 < batches) enqueue_batch(&slots[(batch + 1) % 2], batch + 1, elements);
        opencl_check(clWaitForEvents(1, &current->read_done), "clWaitForEvents");
        clReleaseEvent(current->read_done);
        checksum += pipeline_post_process(current->output, elements); /* the device runs batch + 1 meanwhile */
    }
    for (int index = 0; index < 2; index++) {
        clReleaseMemObject(slots[index].device_input);
        clReleaseMemObject(slots[index].device_output);
        clReleaseKernel(slots[index].kernel);
        clReleaseCommandQueue(slots[index].queue);
        free(slots[index].input);
        free(slots[index].output);
    }
    clReleaseProgram(program);
    opencl_sample_close(&sample);
    printf("pipeline: %ld batches, checksum %.6e\n", batches, checksum);
    return 0;
}
