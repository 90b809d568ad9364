/* opencl_pipeline: what the two pipeline samples share -- the batches, the device kernel, the host's part of the work. */
/*
 * Each batch is `elements` floats: the host fills it, the device transforms
 * it (kernel `transform`), the host then post-processes the result into a
 * checksum. opencl_serialised_pipeline and opencl_overlapped_pipeline do the
 * same work in a different order and print the same checksum.
 */
#ifndef OPENCL_PIPELINE_H
#define OPENCL_PIPELINE_H

#include <stddef.h>

#include "opencl_sample.h"

#define PIPELINE_DEFAULT_BATCHES 12L
#define PIPELINE_DEFAULT_ELEMENTS (1L << 17)
#define PIPELINE_HOST_STEPS 48 /* host work per element: about the device's time for a batch */

static const char *const pipeline_kernel_source =
    "__kernel void transform(__global const float *in, __global float *out)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    float x = in[i];\n"
    "    for (int step = 0; step < 64; step++) x = x * 0.999f + 0.5f;\n"
    "    out[i] = x;\n"
    "}\n";

static inline void pipeline_fill_batch(float *batch, long elements, long batch_index)
{
    for (long i = 0; i < elements; i++) batch[i] = (float)((i + batch_index) % 1000);
}

/* The host's part: reduce the device's result. */
static inline double pipeline_post_process(const float *result, long elements)
{
    double sum = 0.0;
    for (long i = 0; i < elements; i++) {
        double x = result[i];
        for (int step = 0; step < PIPELINE_HOST_STEPS; step++) x = x * 0.5 + 1.0;
        sum += x;
    }
    return sum;
}

#endif
