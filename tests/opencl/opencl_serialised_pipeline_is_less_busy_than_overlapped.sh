#!/bin/sh
# The same work twice: opencl_serialised_pipeline (blocking reads, one
# queue) keeps the device busier less of the time than
# opencl_overlapped_pipeline (two queues, reads with events); the
# serialised one gets the serialising_blocking_read finding, the overlapped
# one none, and both print the same checksum.
. "$(dirname "$0")/opencl_lib.sh"

opencl_require "$SAMPLES/opencl_serialised_pipeline"
IT_RUN_TIMEOUT=120
snag_run_ok serialised.trace "$SAMPLES/opencl_serialised_pipeline" 10
cp run.out serialised.out
snag_run_ok overlapped.trace "$SAMPLES/opencl_overlapped_pipeline" 10
assert_eq "same checksum" "$(cat serialised.out)" "$(cat run.out)"
report_json serialised.trace serialised.json
report_json overlapped.trace overlapped.json

busy_percent() { jqr "$1" '.opencl.utilisation[] | select(.queue == null) | (.busy_ns * 100 / .span_ns | floor)'; }
serialised=$(busy_percent serialised.json)
overlapped=$(busy_percent overlapped.json)
note "device busy: serialised ${serialised}%, overlapped ${overlapped}%"
assert_int -lt "device busy share, serialised below overlapped" "$serialised" "$overlapped"

assert_eq "launches, serialised" 10 "$(jqr serialised.json '.opencl.kernels[0].launches')"
assert_eq "launches, overlapped" 10 "$(jqr overlapped.json '.opencl.kernels[0].launches')"
assert_eq "reads, both" "10 10" "$(jqr serialised.json '.opencl.transfers[0].count') $(jqr overlapped.json '.opencl.transfers[0].count')"
assert_eq "serialising_blocking_read finding, serialised" "10" \
    "$(jqr serialised.json '.findings[] | select(.subkind == "serialising_blocking_read") | .occurrences')"
assert_eq "OpenCL findings, overlapped" 0 "$(jqr overlapped.json '[.findings[] | select(.kind == "opencl")] | length')"
# 10 blocking writes and 10 blocking reads: the serialised host waited 20 times.
assert_eq "host waits, serialised" 20 "$(jqr serialised.json '.opencl.threads[0].waits')"
assert_eq "host waits (clWaitForEvents), overlapped" 10 "$(jqr overlapped.json '.opencl.threads[0].waits')"
# The serialised device waited for the host with nothing queued; the overlapped one much less.
assert_eq "in_order_queue_serialised finding, serialised" 1 \
    "$(jqr serialised.json '[.findings[] | select(.subkind == "in_order_queue_serialised")] | length')"
serialised_idle=$(jqr serialised.json '.opencl.utilisation[] | select(.queue == null) | .host_idle_ns')
overlapped_idle=$(jqr overlapped.json '.opencl.utilisation[] | select(.queue == null) | .host_idle_ns')
assert_int -lt "device time waiting for the host, overlapped below serialised" "$overlapped_idle" "$serialised_idle"
