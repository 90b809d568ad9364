# Benchmarks: what the shim costs, as ratios and differences against a native
# run measured in the same session (see tests/bench/README.md).
# include()d from tests/CMakeLists.txt: source paths are relative to this file.
#
# Only bench_smoke runs under ctest (label "bench"): a few seconds with tiny
# iteration counts, proving that the benchmarks still run and print well-formed
# figures. It never judges speed. The full benchmark is run by hand:
#   tests/bench/run_benchmarks.sh BUILD_DIR

set(SNAG_BENCH_OUTPUT_DIR ${CMAKE_BINARY_DIR}/tests/bench)

# The benchmark programs. Never sanitized (they run under the shim, like any
# traced program); -O2 whatever the build type, so that a Debug build still
# measures the shim rather than the loop; frame pointers as a real program
# built for profiling would have.
foreach(program snag_bench bench_gentext)
  add_executable(${program} ${CMAKE_CURRENT_LIST_DIR}/${program}.c)
  snag_target_defaults(${program})
  target_compile_options(${program} PRIVATE -O2 -g -fno-omit-frame-pointer)
  target_link_libraries(${program} PRIVATE Threads::Threads)
  set_target_properties(${program} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SNAG_BENCH_OUTPUT_DIR})
endforeach()
# The driver runs the shim and `snag run`/`snag report`: build them first.
add_dependencies(snag_bench snag snag_cli)

add_test(NAME bench_smoke
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_benchmarks.sh --quick ${CMAKE_BINARY_DIR}
  WORKING_DIRECTORY ${SNAG_BENCH_OUTPUT_DIR})
set_tests_properties(bench_smoke PROPERTIES
  LABELS "bench"
  TIMEOUT 120
  # Not built (e.g. `make snag` only): ctest says so instead of a confusing failure.
  REQUIRED_FILES "${SNAG_BENCH_OUTPUT_DIR}/snag_bench;${SNAG_BENCH_OUTPUT_DIR}/bench_gentext")

# The OpenCL benchmark (run_opencl_benchmark.sh): the host's cost of a kernel
# launch and the event snag collects for it, native against traced, on the
# machine's OpenCL device (PoCL in CI).
if(OpenCL_FOUND)
  add_executable(opencl_bench ${CMAKE_CURRENT_LIST_DIR}/opencl_bench.c)
  snag_target_defaults(opencl_bench)
  target_compile_options(opencl_bench PRIVATE -O2 -g -fno-omit-frame-pointer)
  target_include_directories(opencl_bench PRIVATE ${PROJECT_SOURCE_DIR}/samples)
  target_link_libraries(opencl_bench PRIVATE OpenCL::OpenCL)
  set_target_properties(opencl_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SNAG_BENCH_OUTPUT_DIR})
  add_dependencies(opencl_bench snag snag_cli)
  add_test(NAME opencl_bench_smoke
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_opencl_benchmark.sh --quick ${CMAKE_BINARY_DIR})
  set_tests_properties(opencl_bench_smoke PROPERTIES
    LABELS "bench;opencl"
    TIMEOUT 120
    SKIP_RETURN_CODE 77)
endif()
