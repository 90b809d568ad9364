#!/bin/sh
# bounded_queue (10000 items, capacity 4, 1 producer, 1 consumer): queue_lock
# is locked explicitly exactly 2*items+2 times, each condvar is signalled
# once per put/take, and every completed condvar wait re-locks queue_lock.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/bounded_queue"
assert_eq "bounded_queue stdout under snag" "consumed=10000 sum=50005000" "$(cat run.out)"
report_json trace report.json

type=$(lock_field report.json queue_lock type) || exit 1
acquisitions=$(lock_field report.json queue_lock acquisitions) || exit 1
reacquisitions=$(lock_field report.json queue_lock reacquisitions) || exit 1
assert_eq "queue_lock type" mutex "$type"
assert_eq "queue_lock acquisitions (explicit lock calls)" 20002 "$acquisitions"

waits=0
for label in not_full not_empty; do
    type=$(lock_field report.json "$label" type) || exit 1
    signals=$(lock_field report.json "$label" signals) || exit 1
    completed=$(lock_field report.json "$label" acquisitions) || exit 1
    assert_eq "$label type" cond "$type"
    assert_eq "$label signals" 10001 "$signals"
    waits=$((waits + completed))
done
note "completed condvar waits: $waits; queue_lock re-locks: $reacquisitions"
assert_int -gt "completed condvar waits (not_full + not_empty)" "$waits" 0
assert_eq "queue_lock re-locks inside condvar waits vs completed condvar waits" "$waits" "$reacquisitions"
