#!/bin/sh
# hot_lock (2 threads x 1000000 lock/unlock of counter_lock) under snag run:
# every acquisition is counted, the lock is a contended mutex found at its
# call site, and the program's output and exit status go through unchanged.
. "$(dirname "$0")/lib.sh"

# A million each (~40 ms traced): long enough that the two threads overlap
# even on a loaded 2-core machine, where 100000 each can fit in one time slice.
snag_run trace "$SAMPLES/hot_lock" 2 1000000
assert_run_status "snag run hot_lock" 0
assert_eq "hot_lock stdout under snag" "counter=2000000" "$(cat run.out)"

report_json trace report.json
assert_eq "processes in the trace" 1 "$(jqr report.json '.processes | length')"
assert_eq "hot_lock exit in the report" '{"status":0}' "$(jqr report.json '.processes[0].exit | tojson')"

type=$(lock_field report.json counter_lock type) || exit 1
acquisitions=$(lock_field report.json counter_lock acquisitions) || exit 1
contended=$(lock_field report.json counter_lock contended) || exit 1
assert_eq "counter_lock type" mutex "$type"
assert_eq "counter_lock acquisitions" 2000000 "$acquisitions"
assert_int -gt "counter_lock contended (two threads hammer one lock)" "$contended" 0

# The call site: increment_shared_counter in hot_lock.c, holding every acquisition.
site=$(jqr report.json '[.locks[] | select(.["label"] == "counter_lock") | .sites[]
        | select(.function == "increment_shared_counter" and (.file | endswith("hot_lock.c")))]
        | if length == 1 then .[0].acquisitions else "sites: \(length)" end') || exit 1
assert_eq "acquisitions at increment_shared_counter (hot_lock.c)" 2000000 "$site"

# Each worker thread took the lock exactly 1000000 times, main none.
workers=$(jqr report.json '[.processes[0].threads[] | select(.main == 0) | .acquisitions] | sort | map(tostring) | join(",")') || exit 1
assert_eq "acquisitions per worker thread" "1000000,1000000" "$workers"
