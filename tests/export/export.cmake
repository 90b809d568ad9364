# Tests of `snag export --format=chrome`: the samples under the real shim,
# exported and checked against their `snag report --json`; a synthetic trace
# with every case of nesting, recursion and handoff; errors; and memory that
# does not grow with the trace. include()d from tests/CMakeLists.txt: paths
# are relative to this file.
#
# Each test is one POSIX sh script here, run like the integration tests
# (tests/integration/lib.sh, which they source) as
#   sh SCRIPT SNAG SAMPLES_DIR LIBSNAG CC
# with the synthetic trace writer in $SNAG_EXPORT_FIXTURE. They parse the
# exports with check_chrome_trace.py (python3) and jq.
# `ctest -L export` runs them all.

find_program(SNAG_EXPORT_SH sh REQUIRED)

add_executable(export_fixture ${CMAKE_CURRENT_LIST_DIR}/export_fixture.c
                              ${PROJECT_SOURCE_DIR}/tests/unit/trace_builder.c)
snag_target_defaults(export_fixture SANITIZABLE)
target_include_directories(export_fixture PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include
                                                  ${PROJECT_SOURCE_DIR}/tests/unit)

# name -> TIMEOUT in seconds: far above their usual run times (2-40 s), for
# the ASan+UBSan build in CI.
set(SNAG_EXPORT_TESTS
  export_hot_lock_matches_the_report 180
  export_samples_match_their_reports 300
  export_synthetic_trace_nests_and_hands_over 60
  export_errors_are_one_line_with_their_status 120
  export_memory_does_not_grow_with_the_trace 600
)

list(LENGTH SNAG_EXPORT_TESTS snag_export_length)
math(EXPR snag_export_last "${snag_export_length} - 1")
foreach(snag_export_index RANGE 0 ${snag_export_last} 2)
  math(EXPR snag_export_timeout_index "${snag_export_index} + 1")
  list(GET SNAG_EXPORT_TESTS ${snag_export_index} snag_export_name)
  list(GET SNAG_EXPORT_TESTS ${snag_export_timeout_index} snag_export_timeout)
  add_test(NAME ${snag_export_name}
    COMMAND ${SNAG_EXPORT_SH} ${CMAKE_CURRENT_LIST_DIR}/${snag_export_name}.sh
            $<TARGET_FILE:snag_cli> ${CMAKE_BINARY_DIR}/samples $<TARGET_FILE:snag> ${CMAKE_C_COMPILER})
  set_tests_properties(${snag_export_name} PROPERTIES
    TIMEOUT ${snag_export_timeout}
    LABELS export
    SKIP_RETURN_CODE 77
    ENVIRONMENT "SNAG_EXPORT_FIXTURE=$<TARGET_FILE:export_fixture>")
endforeach()
