/* The real OpenCL functions behind snag's OpenCL wrappers (opencl.c): the ICD
 * loader's entry points, resolved on the first OpenCL call a program makes
 * (real.c), never before: libsnag.so neither links against libOpenCL nor
 * loads it into a program that does not use it. */
#ifndef SNAG_SHIM_OPENCL_REAL_H
#define SNAG_SHIM_OPENCL_REAL_H

#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_0_APIS
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#define CL_USE_DEPRECATED_OPENCL_2_0_APIS
#include <CL/cl.h>

/* X(name, return type, parameter list) for every function opencl.c wraps. */
#define SNAG_OPENCL_WRAPPED_FUNCTIONS(X)                                                                     \
    X(clCreateContext, cl_context,                                                                           \
      (const cl_context_properties *, cl_uint, const cl_device_id *,                                         \
       void(CL_CALLBACK *)(const char *, const void *, size_t, void *), void *, cl_int *))                    \
    X(clCreateContextFromType, cl_context,                                                                   \
      (const cl_context_properties *, cl_device_type, void(CL_CALLBACK *)(const char *, const void *, size_t, \
                                                                           void *),                          \
       void *, cl_int *))                                                                                    \
    X(clReleaseContext, cl_int, (cl_context))                                                                \
    X(clCreateCommandQueue, cl_command_queue, (cl_context, cl_device_id, cl_command_queue_properties, cl_int *)) \
    X(clCreateCommandQueueWithProperties, cl_command_queue,                                                  \
      (cl_context, cl_device_id, const cl_queue_properties *, cl_int *))                                     \
    X(clReleaseCommandQueue, cl_int, (cl_command_queue))                                                     \
    X(clGetCommandQueueInfo, cl_int, (cl_command_queue, cl_command_queue_info, size_t, void *, size_t *))     \
    X(clCreateProgramWithSource, cl_program, (cl_context, cl_uint, const char **, const size_t *, cl_int *))  \
    X(clCreateProgramWithBinary, cl_program,                                                                 \
      (cl_context, cl_uint, const cl_device_id *, const size_t *, const unsigned char **, cl_int *, cl_int *)) \
    X(clCreateProgramWithIL, cl_program, (cl_context, const void *, size_t, cl_int *))                       \
    X(clBuildProgram, cl_int,                                                                                \
      (cl_program, cl_uint, const cl_device_id *, const char *, void(CL_CALLBACK *)(cl_program, void *),     \
       void *))                                                                                              \
    X(clCompileProgram, cl_int,                                                                              \
      (cl_program, cl_uint, const cl_device_id *, const char *, cl_uint, const cl_program *, const char **,  \
       void(CL_CALLBACK *)(cl_program, void *), void *))                                                     \
    X(clLinkProgram, cl_program,                                                                             \
      (cl_context, cl_uint, const cl_device_id *, const char *, cl_uint, const cl_program *,                 \
       void(CL_CALLBACK *)(cl_program, void *), void *, cl_int *))                                           \
    X(clReleaseProgram, cl_int, (cl_program))                                                                \
    X(clCreateKernel, cl_kernel, (cl_program, const char *, cl_int *))                                       \
    X(clCreateKernelsInProgram, cl_int, (cl_program, cl_uint, cl_kernel *, cl_uint *))                       \
    X(clCloneKernel, cl_kernel, (cl_kernel, cl_int *))                                                       \
    X(clSetKernelArg, cl_int, (cl_kernel, cl_uint, size_t, const void *))                                    \
    X(clReleaseKernel, cl_int, (cl_kernel))                                                                  \
    X(clCreateBuffer, cl_mem, (cl_context, cl_mem_flags, size_t, void *, cl_int *))                          \
    X(clCreateSubBuffer, cl_mem, (cl_mem, cl_mem_flags, cl_buffer_create_type, const void *, cl_int *))      \
    X(clCreateImage, cl_mem,                                                                                 \
      (cl_context, cl_mem_flags, const cl_image_format *, const cl_image_desc *, void *, cl_int *))          \
    X(clReleaseMemObject, cl_int, (cl_mem))                                                                  \
    X(clSVMAlloc, void *, (cl_context, cl_svm_mem_flags, size_t, cl_uint))                                   \
    X(clSVMFree, void, (cl_context, void *))                                                                 \
    X(clEnqueueNDRangeKernel, cl_int,                                                                        \
      (cl_command_queue, cl_kernel, cl_uint, const size_t *, const size_t *, const size_t *, cl_uint,        \
       const cl_event *, cl_event *))                                                                        \
    X(clEnqueueTask, cl_int, (cl_command_queue, cl_kernel, cl_uint, const cl_event *, cl_event *))           \
    X(clEnqueueReadBuffer, cl_int,                                                                           \
      (cl_command_queue, cl_mem, cl_bool, size_t, size_t, void *, cl_uint, const cl_event *, cl_event *))    \
    X(clEnqueueWriteBuffer, cl_int,                                                                          \
      (cl_command_queue, cl_mem, cl_bool, size_t, size_t, const void *, cl_uint, const cl_event *, cl_event *)) \
    X(clEnqueueReadBufferRect, cl_int,                                                                       \
      (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, const size_t *, size_t, size_t,    \
       size_t, size_t, void *, cl_uint, const cl_event *, cl_event *))                                       \
    X(clEnqueueWriteBufferRect, cl_int,                                                                      \
      (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, const size_t *, size_t, size_t,    \
       size_t, size_t, const void *, cl_uint, const cl_event *, cl_event *))                                 \
    X(clEnqueueCopyBuffer, cl_int,                                                                           \
      (cl_command_queue, cl_mem, cl_mem, size_t, size_t, size_t, cl_uint, const cl_event *, cl_event *))     \
    X(clEnqueueCopyBufferRect, cl_int,                                                                       \
      (cl_command_queue, cl_mem, cl_mem, const size_t *, const size_t *, const size_t *, size_t, size_t,     \
       size_t, size_t, cl_uint, const cl_event *, cl_event *))                                               \
    X(clEnqueueFillBuffer, cl_int,                                                                           \
      (cl_command_queue, cl_mem, const void *, size_t, size_t, size_t, cl_uint, const cl_event *, cl_event *)) \
    X(clEnqueueMapBuffer, void *,                                                                            \
      (cl_command_queue, cl_mem, cl_bool, cl_map_flags, size_t, size_t, cl_uint, const cl_event *,           \
       cl_event *, cl_int *))                                                                                \
    X(clEnqueueUnmapMemObject, cl_int, (cl_command_queue, cl_mem, void *, cl_uint, const cl_event *, cl_event *)) \
    X(clEnqueueReadImage, cl_int,                                                                            \
      (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, size_t, size_t, void *, cl_uint,   \
       const cl_event *, cl_event *))                                                                        \
    X(clEnqueueWriteImage, cl_int,                                                                           \
      (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, size_t, size_t, const void *,      \
       cl_uint, const cl_event *, cl_event *))                                                               \
    X(clEnqueueCopyImage, cl_int,                                                                            \
      (cl_command_queue, cl_mem, cl_mem, const size_t *, const size_t *, const size_t *, cl_uint,            \
       const cl_event *, cl_event *))                                                                        \
    X(clEnqueueFillImage, cl_int,                                                                            \
      (cl_command_queue, cl_mem, const void *, const size_t *, const size_t *, cl_uint, const cl_event *,    \
       cl_event *))                                                                                          \
    X(clEnqueueCopyImageToBuffer, cl_int,                                                                    \
      (cl_command_queue, cl_mem, cl_mem, const size_t *, const size_t *, size_t, cl_uint, const cl_event *,  \
       cl_event *))                                                                                          \
    X(clEnqueueCopyBufferToImage, cl_int,                                                                    \
      (cl_command_queue, cl_mem, cl_mem, size_t, const size_t *, const size_t *, cl_uint, const cl_event *,  \
       cl_event *))                                                                                          \
    X(clEnqueueMapImage, void *,                                                                             \
      (cl_command_queue, cl_mem, cl_bool, cl_map_flags, const size_t *, const size_t *, size_t *, size_t *,  \
       cl_uint, const cl_event *, cl_event *, cl_int *))                                                     \
    X(clEnqueueMarker, cl_int, (cl_command_queue, cl_event *))                                               \
    X(clEnqueueMarkerWithWaitList, cl_int, (cl_command_queue, cl_uint, const cl_event *, cl_event *))        \
    X(clEnqueueBarrier, cl_int, (cl_command_queue))                                                          \
    X(clEnqueueBarrierWithWaitList, cl_int, (cl_command_queue, cl_uint, const cl_event *, cl_event *))       \
    X(clEnqueueWaitForEvents, cl_int, (cl_command_queue, cl_uint, const cl_event *))                         \
    X(clEnqueueMigrateMemObjects, cl_int,                                                                    \
      (cl_command_queue, cl_uint, const cl_mem *, cl_mem_migration_flags, cl_uint, const cl_event *,         \
       cl_event *))                                                                                          \
    X(clEnqueueSVMFree, cl_int,                                                                              \
      (cl_command_queue, cl_uint, void *[], void(CL_CALLBACK *)(cl_command_queue, cl_uint, void *[], void *), \
       void *, cl_uint, const cl_event *, cl_event *))                                                       \
    X(clEnqueueSVMMemcpy, cl_int,                                                                            \
      (cl_command_queue, cl_bool, void *, const void *, size_t, cl_uint, const cl_event *, cl_event *))      \
    X(clEnqueueSVMMemFill, cl_int,                                                                           \
      (cl_command_queue, void *, const void *, size_t, size_t, cl_uint, const cl_event *, cl_event *))       \
    X(clEnqueueSVMMap, cl_int,                                                                               \
      (cl_command_queue, cl_bool, cl_map_flags, void *, size_t, cl_uint, const cl_event *, cl_event *))      \
    X(clEnqueueSVMUnmap, cl_int, (cl_command_queue, void *, cl_uint, const cl_event *, cl_event *))          \
    X(clEnqueueSVMMigrateMem, cl_int,                                                                        \
      (cl_command_queue, cl_uint, const void **, const size_t *, cl_mem_migration_flags, cl_uint,            \
       const cl_event *, cl_event *))                                                                        \
    X(clFinish, cl_int, (cl_command_queue))                                                                  \
    X(clFlush, cl_int, (cl_command_queue))                                                                   \
    X(clWaitForEvents, cl_int, (cl_uint, const cl_event *))                                                  \
    X(clGetEventInfo, cl_int, (cl_event, cl_event_info, size_t, void *, size_t *))                           \
    X(clGetEventProfilingInfo, cl_int, (cl_event, cl_profiling_info, size_t, void *, size_t *))              \
    X(clRetainEvent, cl_int, (cl_event))                                                                     \
    X(clReleaseEvent, cl_int, (cl_event))                                                                    \
    X(clCreateUserEvent, cl_event, (cl_context, cl_int *))                                                   \
    X(clSetUserEventStatus, cl_int, (cl_event, cl_int))                                                      \
    X(clSetEventCallback, cl_int, (cl_event, cl_int, void(CL_CALLBACK *)(cl_event, cl_int, void *), void *)) \
    X(clGetExtensionFunctionAddress, void *, (const char *))                                                 \
    X(clGetExtensionFunctionAddressForPlatform, void *, (cl_platform_id, const char *))

/* Functions snag calls for itself and does not wrap. */
#define SNAG_OPENCL_HELPER_FUNCTIONS(X)                                                                      \
    X(clGetDeviceInfo, cl_int, (cl_device_id, cl_device_info, size_t, void *, size_t *))                     \
    X(clGetDeviceAndHostTimer, cl_int, (cl_device_id, cl_ulong *, cl_ulong *))                               \
    X(clGetImageInfo, cl_int, (cl_mem, cl_image_info, size_t, void *, size_t *))                             \
    X(clGetKernelInfo, cl_int, (cl_kernel, cl_kernel_info, size_t, void *, size_t *))                        \
    X(clGetProgramInfo, cl_int, (cl_program, cl_program_info, size_t, void *, size_t *))                     \
    X(clGetProgramBuildInfo, cl_int, (cl_program, cl_device_id, cl_program_build_info, size_t, void *, size_t *))

struct snag_opencl_real_table {
#define SNAG_OPENCL_REAL_FIELD(name, ret, params) ret(CL_API_CALL *name) params;
    SNAG_OPENCL_WRAPPED_FUNCTIONS(SNAG_OPENCL_REAL_FIELD)
    SNAG_OPENCL_HELPER_FUNCTIONS(SNAG_OPENCL_REAL_FIELD)
#undef SNAG_OPENCL_REAL_FIELD
};

extern struct snag_opencl_real_table snag_opencl_real;

/* Resolves snag_opencl_real from the OpenCL library the program loaded (the
 * next definition after libsnag.so, else an already loaded libOpenCL.so.1).
 * Returns 1 once resolved; a function no loaded library defines stays NULL.
 * Thread-safe; the work happens once, at the program's first OpenCL call. */
int snag_opencl_real_resolve(void);

#endif
