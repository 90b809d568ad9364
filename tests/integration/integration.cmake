# Integration tests: real programs under the real shim, through `snag run`
# and `snag report`, checked for exact figures. include()d from
# tests/CMakeLists.txt: paths are relative to this file.
#
# Each test is one POSIX sh script in this directory, named after what it
# specifies, run as
#   sh SCRIPT SNAG SAMPLES_DIR LIBSNAG CC
# in its own temporary directory (lib.sh), so they run in parallel (ctest -j).
# A script exits 0 (pass), 1 (fail, with a "FAIL: ..." line) or 77 (skipped).
# They need sh, jq, timeout, pigz, xz and python3 (see .ci/debian-packages).
# `ctest -L integration` runs them all; IT_KEEP=1 keeps their directories.

find_program(SNAG_IT_SH sh REQUIRED)

# name -> TIMEOUT in seconds: generous (CI also runs them against an
# ASan+UBSan build of snag), far above their usual run times of 1-25 s.
set(SNAG_INTEGRATION_TESTS
  run_hot_lock_counts_every_acquisition 60
  striped_locks_twin_is_uncontended 60
  bounded_queue_reports_condvars 60
  rwlock_cache_counts_readers_and_writers 60
  sem_pool_counts_waits_and_posts 60
  exit_status_is_the_programs 60
  crashes_dump_core_as_they_would_without_snag 60
  system_and_popen_are_spawns_and_waits 60
  output_is_unchanged_under_snag 180
  python_threading_script 120
  sigkill_mid_run_leaves_a_readable_trace 120
  full_disk_stops_recording_not_the_program 60
  signal_handlers_records_are_all_kept 60
  short_lived_threads_are_cheap_to_trace 120
  corrupt_traces_get_one_line_errors 240
  trace_files_are_private_and_never_follow_symlinks 60
  snag_run_moves_previous_trace_aside 60
  report_text_mentions_labels 60
  many_short_processes_all_appear 60
  many_short_processes_all_have_exit_status 60
  programs_that_exec_with_their_own_environment_stay_traced 60
  killed_grandchild_gets_its_status_from_the_parents_wait 60
  no_follow_records_only_the_first_process 60
  make_j2_builds_a_process_tree 120
  fork_while_locked_is_a_high_fork_hazard 60
  lock_order_inversion_is_found_and_its_twins_are_not 120
  misuse_is_found_and_correct_programs_have_none 120
  process_trees_of_real_programs 180
  process_pool_workers_share_a_lock 60
  processes_that_outlive_the_program_still_write_complete_files 60
  deadlocks_are_reported_the_moment_they_form 120
  hangs_are_reported_and_ended 120
  on_deadlock_report_leaves_the_program_hanging 60
  python_locks_taken_in_opposite_order_deadlock 120
  correct_programs_report_no_deadlock_or_hang 300
  fail_on_turns_findings_into_an_exit_status 120
  report_stacks_name_the_samples_functions 90
)

list(LENGTH SNAG_INTEGRATION_TESTS snag_it_length)
math(EXPR snag_it_last "${snag_it_length} - 1")
foreach(snag_it_index RANGE 0 ${snag_it_last} 2)
  math(EXPR snag_it_timeout_index "${snag_it_index} + 1")
  list(GET SNAG_INTEGRATION_TESTS ${snag_it_index} snag_it_name)
  list(GET SNAG_INTEGRATION_TESTS ${snag_it_timeout_index} snag_it_timeout)
  add_test(NAME ${snag_it_name}
    COMMAND ${SNAG_IT_SH} ${CMAKE_CURRENT_LIST_DIR}/${snag_it_name}.sh
            $<TARGET_FILE:snag_cli> ${CMAKE_BINARY_DIR}/samples $<TARGET_FILE:snag> ${CMAKE_C_COMPILER})
  set_tests_properties(${snag_it_name} PROPERTIES
    TIMEOUT ${snag_it_timeout}
    LABELS integration
    SKIP_RETURN_CODE 77)
endforeach()
