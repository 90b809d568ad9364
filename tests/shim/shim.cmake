# The shim must not change what a program does: shim_semantics checks it,
# natively and traced; the traced run's trace must record the cancellations.
add_executable(shim_semantics ${CMAKE_CURRENT_LIST_DIR}/shim_semantics.c)
snag_target_defaults(shim_semantics)
target_link_libraries(shim_semantics PRIVATE Threads::Threads)
add_test(NAME shim_semantics_native COMMAND shim_semantics)
add_test(NAME shim_semantics_traced_behave_the_same
         COMMAND ${CMAKE_CURRENT_LIST_DIR}/run_traced.sh $<TARGET_FILE:snag_cli> $<TARGET_FILE:shim_semantics>)
set_tests_properties(shim_semantics_native shim_semantics_traced_behave_the_same PROPERTIES TIMEOUT 120)
