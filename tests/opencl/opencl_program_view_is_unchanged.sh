#!/bin/sh
# opencl_program_view checks, natively and under snag, what an OpenCL
# program sees: queue properties as asked (snag turns profiling on
# underneath), no profiling info on queues made without it, event reference
# counts unchanged, no memory growth from enqueues without events, errors as
# the runtime returns them. Both runs pass and print the same lines.
. "$(dirname "$0")/opencl_lib.sh"

program=$OPENCL_PROGRAMS/opencl_program_view
opencl_require "$program"
cp "$IT_DIR/.it/probe.out" native.out
IT_RUN_TIMEOUT=150
snag_run trace "$program"
assert_run_status "opencl_program_view under snag" 0
assert_eq "what the program saw, under snag and without" "$(cat native.out)" "$(cat run.out)"
report_json trace report.json
assert_int -ge "NULL-event fills recorded (6 rounds of 2000)" \
    "$(jqr report.json '.opencl.transfers[] | select(.kind == "fill") | .count')" 12000
opencl_check_trace trace
