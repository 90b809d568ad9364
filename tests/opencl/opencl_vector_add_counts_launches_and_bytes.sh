#!/bin/sh
# opencl_vector_add (5 launches over 262144 floats) under snag run: the
# report counts exactly 5 launches of vector_add with device time, 2 writes
# and 1 read of 1 MiB each, every host call, and the output is unchanged.
. "$(dirname "$0")/opencl_lib.sh"

opencl_require "$SAMPLES/opencl_vector_add"
snag_run_ok trace "$SAMPLES/opencl_vector_add" 5 262144
assert_eq "output under snag" "vector_add: 262144 elements, 5 launches, ok" "$(cat run.out)"
report_json trace report.json

assert_eq "kernels" "vector_add" "$(jqr report.json '[.opencl.kernels[].name] | join(",")')"
assert_eq "vector_add launches" 5 "$(jqr report.json '.opencl.kernels[0].launches')"
assert_int -gt "vector_add device time" "$(jqr report.json '.opencl.kernels[0].device_ns_total')" 0
assert_int -ge "vector_add device total >= max" "$(jqr report.json '.opencl.kernels[0].device_ns_total')" \
    "$(jqr report.json '.opencl.kernels[0].device_ns_max')"
assert_eq "writes: count and bytes" "2 2097152" \
    "$(jqr report.json '.opencl.transfers[] | select(.kind == "write") | "\(.count) \(.bytes)"')"
assert_eq "reads: count and bytes" "1 1048576" \
    "$(jqr report.json '.opencl.transfers[] | select(.kind == "read") | "\(.count) \(.bytes)"')"
assert_int -gt "read device time" "$(jqr report.json '.opencl.transfers[] | select(.kind == "read") | .device_ns_total')" 0
assert_eq "no copies, maps or fills" "0 0 0" \
    "$(jqr report.json '[.opencl.transfers[] | select(.kind == "copy" or .kind == "map" or .kind == "fill") | .count] | map(tostring) | join(" ")')"

api() { jqr report.json '.opencl.api[] | select(.function == $f) | .calls' --arg f "$1"; }
assert_eq "clEnqueueNDRangeKernel calls" 5 "$(api clEnqueueNDRangeKernel)"
assert_eq "clEnqueueWriteBuffer calls" 2 "$(api clEnqueueWriteBuffer)"
assert_eq "clSetKernelArg calls" 3 "$(api clSetKernelArg)"
assert_eq "clBuildProgram calls" 1 "$(api clBuildProgram)"
assert_eq "device commands (2 writes, 5 kernels, 1 read)" 8 "$(jqr report.json '.opencl.commands')"

# The one blocking read is the main thread's only wait for the device.
assert_eq "waits of the main thread" 1 "$(jqr report.json '.opencl.threads[0].waits')"
assert_int -gt "time the main thread was blocked on the device" "$(jqr report.json '.opencl.threads[0].blocked_ns')" 0
assert_eq "one device clock, and how it was calibrated" "1" \
    "$(jqr report.json '[.opencl.clocks[] | select(.method == "measured" or .method == "device_and_host_timer")] | length')"
assert_eq "no OpenCL findings" 0 "$(jqr report.json '[.findings[] | select(.kind == "opencl")] | length')"

"$SNAG" report trace >report.txt 2>&1 || fail "snag report (text) failed: $(head -c 2000 report.txt)"
assert_file_has report.txt "OpenCL kernels by device time" "text report"
assert_file_has report.txt "vector_add" "text report"
