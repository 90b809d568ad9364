# The shim must not change what a program does: shim_semantics checks it,
# natively and traced; the traced run's trace must record the cancellations.
add_executable(shim_semantics ${CMAKE_CURRENT_LIST_DIR}/shim_semantics.c)
snag_target_defaults(shim_semantics)
target_link_libraries(shim_semantics PRIVATE Threads::Threads)
add_test(NAME shim_semantics_native COMMAND shim_semantics)
add_test(NAME shim_semantics_traced_behave_the_same
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run_traced.sh $<TARGET_FILE:snag_cli> $<TARGET_FILE:shim_semantics>)
set_tests_properties(shim_semantics_native shim_semantics_traced_behave_the_same PROPERTIES TIMEOUT 120)

# Stack capture in delicate places: a constructor, a 16 KiB thread, a
# signal handler's sem_post.
add_executable(stack_capture_is_safe ${CMAKE_CURRENT_LIST_DIR}/stack_capture_is_safe.c)
snag_target_defaults(stack_capture_is_safe)
target_compile_options(stack_capture_is_safe PRIVATE -g)
target_link_libraries(stack_capture_is_safe PRIVATE Threads::Threads)
add_test(NAME stack_capture_is_safe_in_constructors_tiny_stacks_and_signal_handlers
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run_stack_safety.sh $<TARGET_FILE:snag_cli> $<TARGET_FILE:stack_capture_is_safe>)
set_tests_properties(stack_capture_is_safe_in_constructors_tiny_stacks_and_signal_handlers PROPERTIES TIMEOUT 120)

# The shim's stack table, with real captures and the writer stubbed: stack.c
# goes into a library of its own so that the test's frames are not the "shim
# frames" a capture leaves out.
add_library(stack_table_under_test SHARED ${PROJECT_SOURCE_DIR}/libtrace/shim/stack.c
            ${PROJECT_SOURCE_DIR}/tests/unit/stack_table_stubs.c)
target_include_directories(stack_table_under_test PUBLIC ${PROJECT_SOURCE_DIR}/libtrace/include
                           ${PROJECT_SOURCE_DIR}/libtrace/shim)
target_compile_options(stack_table_under_test PRIVATE -O2 -ftls-model=initial-exec)
target_link_libraries(stack_table_under_test PRIVATE Threads::Threads PkgConfig::LIBUNWIND)
snag_target_defaults(stack_table_under_test)
add_executable(test_stack_table ${PROJECT_SOURCE_DIR}/tests/unit/test_stack_table.c)
target_compile_options(test_stack_table PRIVATE -O1 -fno-optimize-sibling-calls -fno-inline)
target_link_libraries(test_stack_table PRIVATE stack_table_under_test cmocka)
snag_target_defaults(test_stack_table)
add_test(NAME unit_stack_table COMMAND test_stack_table)
