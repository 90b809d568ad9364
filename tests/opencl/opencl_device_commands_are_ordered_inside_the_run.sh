#!/bin/sh
# Every device command of opencl_vector_add and opencl_shared_queue, read
# back through the reader: device times present, queued <= submit <= start
# <= end, inside the process's run on the host time base, not queued before
# its enqueue call began, linked to that call (check_opencl_trace).
. "$(dirname "$0")/opencl_lib.sh"

opencl_require "$SAMPLES/opencl_vector_add"
snag_run_ok vector.trace "$SAMPLES/opencl_vector_add" 6 65536
opencl_check_trace vector.trace
assert_eq "vector_add commands, kernels, linked" "commands 9 kernels 6 linked 9" "$(tail -n 1 check.out)"

snag_run_ok shared.trace "$SAMPLES/opencl_shared_queue" 2 3
opencl_check_trace shared.trace
assert_eq "shared_queue commands, kernels, linked" "commands 18 kernels 6 linked 18" "$(tail -n 1 check.out)"
