# Tests of the viewer (`snag view`, viewer/). include()d from
# tests/CMakeLists.txt: paths are relative to this file.
#
# Each test is a POSIX sh script here, run as
#   sh SCRIPT SNAG SAMPLES_DIR LIBSNAG CC GEN_TRACE EVIL_THREAD_NAME
# on top of the integration tests' helpers (viewer_lib.sh sources
# ../integration/lib.sh: own temporary directory, fail/skip, snag_run_ok).
# Most check screens printed by `snag view --dump`; the view_terminal_* ones
# drive the real thing in a detached tmux session of fixed size.
# `ctest -L viewer` runs them; bench_viewer (label bench) measures.

set(SNAG_VIEWER_TEST_OUTPUT_DIR ${CMAKE_BINARY_DIR}/tests/viewer)

# Synthetic traces with known event times, and a 10-million-event one for
# the benchmark, written through the unit tests' trace builder.
add_executable(viewer_gen_trace ${CMAKE_CURRENT_LIST_DIR}/gen_trace.c ${PROJECT_SOURCE_DIR}/tests/unit/trace_builder.c)
target_include_directories(viewer_gen_trace PRIVATE ${PROJECT_SOURCE_DIR}/libtrace/include
                                                    ${PROJECT_SOURCE_DIR}/tests/unit)
target_compile_options(viewer_gen_trace PRIVATE -O2)
snag_target_defaults(viewer_gen_trace)
set_target_properties(viewer_gen_trace PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SNAG_VIEWER_TEST_OUTPUT_DIR})

# A traced program: never sanitized, like the samples.
add_executable(viewer_evil_thread_name ${CMAKE_CURRENT_LIST_DIR}/evil_thread_name.c)
target_link_libraries(viewer_evil_thread_name PRIVATE Threads::Threads)
snag_target_defaults(viewer_evil_thread_name)
set_target_properties(viewer_evil_thread_name PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${SNAG_VIEWER_TEST_OUTPUT_DIR})

# The lane index, unit by unit (cmocka).
add_executable(test_lane_index ${CMAKE_CURRENT_LIST_DIR}/test_lane_index.c ${PROJECT_SOURCE_DIR}/tests/unit/trace_builder.c)
snag_target_defaults(test_lane_index SANITIZABLE)
target_include_directories(test_lane_index PRIVATE ${PROJECT_SOURCE_DIR}/viewer ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_lane_index PRIVATE snag_viewer cmocka)
add_test(NAME unit_lane_index COMMAND test_lane_index)
set_tests_properties(unit_lane_index PROPERTIES LABELS viewer TIMEOUT 120)

# name -> TIMEOUT in seconds (generous: CI also runs an ASan+UBSan build)
set(SNAG_VIEWER_TESTS
  view_dump_shows_a_lane_per_thread_grouped_by_process 60
  view_dump_shows_hot_lock_workers_waiting 120
  view_dump_details_show_the_stack_of_a_wait 60
  view_dump_steps_and_zooms_to_exact_event_times 60
  view_dump_searches_and_filters_lanes_and_locks 60
  view_dump_steps_through_events_of_one_nanosecond 60
  view_dump_keeps_a_brief_wait_visible_when_zoomed_out 60
  view_dump_panel_names_holders_and_the_deadlock_cycle 60
  view_dump_panel_names_who_signalled_a_waiting_thread 60
  view_dump_locks_screen_lists_counter_lock 60
  view_dump_escapes_untrusted_text 60
  view_dump_findings_screen_lists_fork_hazard 60
  view_dump_findings_screen_shows_each_threads_stacks 60
  view_bad_trace_exits_3_without_touching_the_terminal 60
  view_terminal_shows_lanes_help_and_quits_cleanly 60
  view_terminal_survives_resizes 60
  view_terminal_help_scrolls_at_80x24 60
  view_terminal_searches_filters_and_draws_without_colour 60
  view_terminal_restores_after_signals 60
  view_terminal_shows_escape_in_thread_name_as_text 60
  view_terminal_enter_on_a_finding_puts_the_cursor_at_its_moment 60
)

list(LENGTH SNAG_VIEWER_TESTS snag_viewer_length)
math(EXPR snag_viewer_last "${snag_viewer_length} - 1")
foreach(snag_viewer_index RANGE 0 ${snag_viewer_last} 2)
  math(EXPR snag_viewer_timeout_index "${snag_viewer_index} + 1")
  list(GET SNAG_VIEWER_TESTS ${snag_viewer_index} snag_viewer_name)
  list(GET SNAG_VIEWER_TESTS ${snag_viewer_timeout_index} snag_viewer_timeout)
  add_test(NAME ${snag_viewer_name}
    COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/${snag_viewer_name}.sh
            $<TARGET_FILE:snag_cli> ${CMAKE_BINARY_DIR}/samples $<TARGET_FILE:snag> ${CMAKE_C_COMPILER}
            $<TARGET_FILE:viewer_gen_trace> $<TARGET_FILE:viewer_evil_thread_name>)
  set_tests_properties(${snag_viewer_name} PROPERTIES
    TIMEOUT ${snag_viewer_timeout}
    LABELS viewer
    SKIP_RETURN_CODE 77)
endforeach()

# The benchmark, quick: a million events instead of ten. It proves the
# benchmark runs and prints its figures; it never judges them. The full one:
#   tests/viewer/bench_viewer.sh BUILD_DIR
add_test(NAME bench_viewer
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/bench_viewer.sh --quick ${CMAKE_BINARY_DIR})
set_tests_properties(bench_viewer PROPERTIES
  LABELS bench
  TIMEOUT 300
  REQUIRED_FILES "${SNAG_VIEWER_TEST_OUTPUT_DIR}/viewer_gen_trace")
