# Unit tests of the reader library (libtrace/reader/): parsing, lock
# statistics, labels and text, findings (fork hazards, deadlocks and hangs,
# lock order, misuse) and OpenCL. Most read synthetic traces written by
# trace_builder.c. include()d from tests/CMakeLists.txt: source paths are
# relative to this file.

set(SNAG_READER_TESTS_DIR ${CMAKE_CURRENT_LIST_DIR})

# snag_reader_unit_test(NAME TIMEOUT [BUILDER]): test_NAME.c as ctest unit_NAME,
# with the trace builder when BUILDER is given.
function(snag_reader_unit_test name timeout)
  set(sources ${SNAG_READER_TESTS_DIR}/test_${name}.c)
  if("BUILDER" IN_LIST ARGN)
    list(APPEND sources ${SNAG_READER_TESTS_DIR}/trace_builder.c)
  endif()
  add_executable(test_${name} ${sources})
  snag_target_defaults(test_${name} SANITIZABLE)
  target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
  target_link_libraries(test_${name} PRIVATE snag_reader cmocka)
  add_test(NAME unit_${name} COMMAND test_${name})
  set_tests_properties(unit_${name} PROPERTIES TIMEOUT ${timeout})
endfunction()

# The fuzz test opens a few thousand damaged files: allow for a sanitizer build.
snag_reader_unit_test(reader 300 BUILDER)
snag_reader_unit_test(lockstats 120 BUILDER)
snag_reader_unit_test(findings 120 BUILDER)
snag_reader_unit_test(stuck_findings 120 BUILDER)
snag_reader_unit_test(lockorder 120 BUILDER)
snag_reader_unit_test(misuse 120 BUILDER)
snag_reader_unit_test(text 120)
snag_reader_unit_test(names 120 BUILDER)
snag_reader_unit_test(opencl 120 BUILDER)
