/* opencl_sample: what the OpenCL samples share -- the first device of the first platform, a context, a program built from a string. */
/*
 * A sample calls opencl_sample_open() first. Without an OpenCL platform or
 * device it prints why to stderr and exits OPENCL_SAMPLE_NO_PLATFORM (77),
 * which the tests take as "skipped". Any OpenCL error afterwards prints the
 * call and its code and exits 1.
 */
#ifndef OPENCL_SAMPLE_H
#define OPENCL_SAMPLE_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>

#define OPENCL_SAMPLE_NO_PLATFORM 77

struct opencl_sample {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;
};

/* Exits 1 with the failed call's name and code when `error` is not CL_SUCCESS. */
static inline void opencl_check(cl_int error, const char *what)
{
    if (error != CL_SUCCESS) {
        fprintf(stderr, "%s failed: OpenCL error %d\n", what, (int)error);
        exit(1);
    }
}

static inline void opencl_sample_open(struct opencl_sample *sample)
{
    cl_uint platforms = 0;
    if (clGetPlatformIDs(1, &sample->platform, &platforms) != CL_SUCCESS || platforms == 0) {
        fprintf(stderr, "no OpenCL platform (install an ICD such as pocl-opencl-icd)\n");
        exit(OPENCL_SAMPLE_NO_PLATFORM);
    }
    cl_uint devices = 0;
    if (clGetDeviceIDs(sample->platform, CL_DEVICE_TYPE_ALL, 1, &sample->device, &devices) != CL_SUCCESS ||
        devices == 0) {
        fprintf(stderr, "the OpenCL platform has no device\n");
        exit(OPENCL_SAMPLE_NO_PLATFORM);
    }
    cl_int error;
    sample->context = clCreateContext(NULL, 1, &sample->device, NULL, NULL, &error);
    opencl_check(error, "clCreateContext");
}

/* Builds `source` for the sample's device; prints the build log on failure. */
static inline cl_program opencl_sample_build(const struct opencl_sample *sample, const char *source)
{
    cl_int error;
    cl_program program = clCreateProgramWithSource(sample->context, 1, &source, NULL, &error);
    opencl_check(error, "clCreateProgramWithSource");
    error = clBuildProgram(program, 1, &sample->device, NULL, NULL, NULL);
    if (error != CL_SUCCESS) {
        char log[4096] = "";
        clGetProgramBuildInfo(program, sample->device, CL_PROGRAM_BUILD_LOG, sizeof log - 1, log, NULL);
        fprintf(stderr, "clBuildProgram failed (%d):\n%s\n", (int)error, log);
        exit(1);
    }
    return program;
}

static inline void opencl_sample_close(struct opencl_sample *sample)
{
    clReleaseContext(sample->context);
}

#endif
