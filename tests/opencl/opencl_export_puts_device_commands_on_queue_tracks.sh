#!/bin/sh
# snag export --format=chrome of opencl_shared_queue (2 threads x 2
# iterations): the 12 device commands (4 writes, 4 kernels, 4 reads) are
# slices on the device's queue track, each with an arrow from the host call
# that enqueued it; the 4 blocking reads are "wait: device" slices on the
# workers' tracks; the file passes the export checker
# (tests/export/check_chrome_trace.py).
. "$(dirname "$0")/opencl_lib.sh"

opencl_require "$SAMPLES/opencl_shared_queue"
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to check the export"
snag_run_ok trace "$SAMPLES/opencl_shared_queue" 2 2
report_json trace report.json
with_timeout 60 "$SNAG" export --format=chrome -o export.json trace 2>export.err ||
    fail "snag export failed: $(head -c 2000 export.err)"
python3 "$(dirname "$0")/../export/check_chrome_trace.py" export.json "$(jqr report.json .duration_ns)" >summary.json 2>check.err ||
    fail "the export does not pass the checker: $(head -c 3000 check.err)"
assert_eq "device commands, arrows, host waits" "12 12 4" \
    "$(jqr summary.json '"\(.opencl_device_commands) \(.opencl_flows) \(.opencl_host_waits)"')"
assert_eq "host calls, as in the report's API table" "$(jqr report.json '[.opencl.api[].calls] | add')" \
    "$(jqr summary.json .opencl_host_calls)"
assert_eq "the queue's track" '["queue 1"]' \
    "$(jqr export.json '[.traceEvents[] | select(.ph == "M" and .name == "thread_name" and .pid > 4194304) | .args.name] | tojson')"
