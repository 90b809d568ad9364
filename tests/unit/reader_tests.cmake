# Unit tests of the trace reader (libtrace/reader/reader.c), the lock
# statistics (lockstats.c) and the text helpers (text.c). The reader and
# lockstats tests read synthetic traces written by trace_builder.c.
# include()d from tests/CMakeLists.txt: source paths are relative to this file.

set(SNAG_READER_TESTS_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(test_reader ${SNAG_READER_TESTS_DIR}/test_reader.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_reader SANITIZABLE)
target_include_directories(test_reader PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_reader PRIVATE snag_reader cmocka)
add_test(NAME unit_reader COMMAND test_reader)
# The fuzz test opens a few thousand damaged files: allow for a sanitizer build.
set_tests_properties(unit_reader PROPERTIES TIMEOUT 300)

add_executable(test_lockstats ${SNAG_READER_TESTS_DIR}/test_lockstats.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_lockstats SANITIZABLE)
target_include_directories(test_lockstats PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_lockstats PRIVATE snag_reader cmocka)
add_test(NAME unit_lockstats COMMAND test_lockstats)
set_tests_properties(unit_lockstats PROPERTIES TIMEOUT 120)

add_executable(test_findings ${SNAG_READER_TESTS_DIR}/test_findings.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_findings SANITIZABLE)
target_include_directories(test_findings PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_findings PRIVATE snag_reader cmocka)
add_test(NAME unit_findings COMMAND test_findings)
set_tests_properties(unit_findings PROPERTIES TIMEOUT 120)

add_executable(test_stuck_findings ${SNAG_READER_TESTS_DIR}/test_stuck_findings.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_stuck_findings SANITIZABLE)
target_include_directories(test_stuck_findings PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_stuck_findings PRIVATE snag_reader cmocka)
add_test(NAME unit_stuck_findings COMMAND test_stuck_findings)
set_tests_properties(unit_stuck_findings PROPERTIES TIMEOUT 120)
add_executable(test_lockorder ${SNAG_READER_TESTS_DIR}/test_lockorder.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_lockorder SANITIZABLE)
target_include_directories(test_lockorder PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_lockorder PRIVATE snag_reader cmocka)
add_test(NAME unit_lockorder COMMAND test_lockorder)
set_tests_properties(unit_lockorder PROPERTIES TIMEOUT 120)

add_executable(test_misuse ${SNAG_READER_TESTS_DIR}/test_misuse.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_misuse SANITIZABLE)
target_include_directories(test_misuse PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_misuse PRIVATE snag_reader cmocka)
add_test(NAME unit_misuse COMMAND test_misuse)
set_tests_properties(unit_misuse PROPERTIES TIMEOUT 120)

add_executable(test_text ${SNAG_READER_TESTS_DIR}/test_text.c)
snag_target_defaults(test_text SANITIZABLE)
target_include_directories(test_text PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include)
target_link_libraries(test_text PRIVATE snag_reader cmocka)
add_test(NAME unit_text COMMAND test_text)
set_tests_properties(unit_text PROPERTIES TIMEOUT 120)

add_executable(test_names ${SNAG_READER_TESTS_DIR}/test_names.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_names SANITIZABLE)
target_include_directories(test_names PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_names PRIVATE snag_reader cmocka)
add_test(NAME unit_names COMMAND test_names)
set_tests_properties(unit_names PROPERTIES TIMEOUT 120)
add_executable(test_opencl ${SNAG_READER_TESTS_DIR}/test_opencl.c ${SNAG_READER_TESTS_DIR}/trace_builder.c)
snag_target_defaults(test_opencl SANITIZABLE)
target_include_directories(test_opencl PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include ${SNAG_READER_TESTS_DIR})
target_link_libraries(test_opencl PRIVATE snag_reader cmocka)
add_test(NAME unit_opencl COMMAND test_opencl)
set_tests_properties(unit_opencl PROPERTIES TIMEOUT 120)
