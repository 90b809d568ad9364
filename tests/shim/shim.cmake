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
