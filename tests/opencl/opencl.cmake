# OpenCL tests: real OpenCL programs (the samples, and the two programs here)
# on a real OpenCL device -- PoCL on the CPU in CI -- under the real shim.
# include()d from tests/CMakeLists.txt.
#
# Each test is a POSIX sh script in this directory, run like the integration
# tests (tests/integration/lib.sh) as
#   sh SCRIPT SNAG SAMPLES_DIR LIBSNAG CC
# with OPENCL_TEST_PROGRAMS naming the directory of the programs built here.
# A script skips (77) with the reason when the OpenCL samples were not built
# (no OpenCL at configure time) or the machine has no OpenCL platform.
# `ctest -L opencl` runs them.

if(OpenCL_FOUND)
  foreach(program opencl_program_view opencl_misuse)
    add_executable(${program} ${CMAKE_CURRENT_LIST_DIR}/${program}.c)
    target_include_directories(${program} PRIVATE ${PROJECT_SOURCE_DIR}/samples)
    target_link_libraries(${program} PRIVATE OpenCL::OpenCL)
    set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/opencl)
    snag_target_defaults(${program})
  endforeach()
endif()
add_executable(check_opencl_trace ${CMAKE_CURRENT_LIST_DIR}/check_opencl_trace.c)
target_link_libraries(check_opencl_trace PRIVATE snag_reader)
set_target_properties(check_opencl_trace PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests/opencl)
snag_target_defaults(check_opencl_trace SANITIZABLE)

# name -> TIMEOUT in seconds (PoCL compiles kernels with LLVM on first use).
set(SNAG_OPENCL_TESTS
  opencl_vector_add_counts_launches_and_bytes 120
  opencl_device_commands_are_ordered_inside_the_run 120
  opencl_serialised_pipeline_is_less_busy_than_overlapped 180
  opencl_shared_queue_threads_wait_for_lock_and_device 120
  opencl_program_view_is_unchanged 180
  opencl_misuse_is_found 120
  opencl_pyopencl_script 180
  opencl_without_a_platform_runs_as_without_snag 60
  opencl_export_puts_device_commands_on_queue_tracks 120
  opencl_view_shows_queue_lanes_and_steps_to_commands 180
)

list(LENGTH SNAG_OPENCL_TESTS snag_cl_length)
math(EXPR snag_cl_last "${snag_cl_length} - 1")
foreach(snag_cl_index RANGE 0 ${snag_cl_last} 2)
  math(EXPR snag_cl_timeout_index "${snag_cl_index} + 1")
  list(GET SNAG_OPENCL_TESTS ${snag_cl_index} snag_cl_name)
  list(GET SNAG_OPENCL_TESTS ${snag_cl_timeout_index} snag_cl_timeout)
  add_test(NAME ${snag_cl_name}
    COMMAND ${SNAG_IT_SH} ${CMAKE_CURRENT_LIST_DIR}/${snag_cl_name}.sh
            $<TARGET_FILE:snag_cli> ${CMAKE_BINARY_DIR}/samples $<TARGET_FILE:snag> ${CMAKE_C_COMPILER})
  set_tests_properties(${snag_cl_name} PROPERTIES
    TIMEOUT ${snag_cl_timeout}
    LABELS opencl
    SKIP_RETURN_CODE 77
    ENVIRONMENT "OPENCL_TEST_PROGRAMS=${CMAKE_BINARY_DIR}/tests/opencl")
endforeach()
