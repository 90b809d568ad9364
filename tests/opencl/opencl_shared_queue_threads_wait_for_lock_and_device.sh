#!/bin/sh
# opencl_shared_queue (3 threads x 4 iterations on one queue under
# queue_lock): 12 launches of scale; each worker waited for the device 4
# times (its blocking reads), and queue_lock was taken 12 times -- locks
# and device waits in one report.
. "$(dirname "$0")/opencl_lib.sh"

opencl_require "$SAMPLES/opencl_shared_queue"
snag_run_ok trace "$SAMPLES/opencl_shared_queue" 3 4
assert_eq "output under snag" "shared_queue: 12 launches, ok" "$(cat run.out)"
report_json trace report.json

assert_eq "scale launches" 12 "$(jqr report.json '.opencl.kernels[] | select(.name == "scale") | .launches')"
assert_eq "reads and their bytes" "12 3145728" \
    "$(jqr report.json '.opencl.transfers[] | select(.kind == "read") | "\(.count) \(.bytes)"')"
assert_eq "device waits per worker thread" "4,4,4" \
    "$(jqr report.json '[.opencl.threads[] | select(.waits > 0) | .waits] | map(tostring) | join(",")')"
assert_eq "queue_lock acquisitions" 12 "$(lock_field report.json queue_lock acquisitions)"
# A worker blocked on the device while holding queue_lock: the lock's hold time covers its waits.
hold=$(lock_field report.json queue_lock hold_ns_total)
blocked=$(jqr report.json '[.opencl.threads[].blocked_ns] | add')
assert_int -ge "queue_lock hold time covers the device waits" "$hold" "$blocked"
# The same waits in the threads' blocked times, next to their lock waits.
assert_eq "blocked_ns.opencl per thread, as in the OpenCL table" "$blocked" \
    "$(jqr report.json '[.processes[0].threads[].blocked_ns.opencl] | add')"
