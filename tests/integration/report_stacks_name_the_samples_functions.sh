#!/bin/sh
# Stacks captured by the shim reach the report, symbolised: hot_lock's waits
# on counter_lock come from increment_shared_counter called by
# hot_lock_worker (every contended acquisition has one), its barrier waits
# from hot_lock_worker under the thread start; fork_while_locked's finding
# has the holder's acquisition stack and the child's wait stack up to main.
. "$(dirname "$0")/lib.sh"

snag_run trace "$SAMPLES/hot_lock" 4 100000
assert_run_status "snag run hot_lock" 0
report_json trace report.json

contended=$(lock_field report.json counter_lock contended) || exit 1
with_stacks=$(jqr report.json '[.locks[] | select(.label == "counter_lock") | .stacks[].count] | add // 0') || exit 1
assert_eq "contended acquisitions of counter_lock with a stack" "$contended" "$with_stacks"
if [ "$contended" -gt 0 ]; then
    top=$(jqr report.json '[.locks[] | select(.label == "counter_lock") | .stacks[] | .frames[0:2]
            | map(.function) | join(" < ")] | unique | join(", ")') || exit 1
    assert_eq "counter_lock's wait stacks" "increment_shared_counter < hot_lock_worker" "$top"
fi
barrier=$(jqr report.json '[.locks[] | select(.label == "start_together") | .stacks[]
            | {count, f: (.frames | map(.function))}
            | select(.f[0] == "hot_lock_worker" and (.f | index("start_thread")) != null) | .count] | add // 0') || exit 1
assert_eq "barrier waits from hot_lock_worker under start_thread" 4 "$barrier"
line=$(jqr report.json '[.locks[] | select(.label == "start_together") | .stacks[0].frames[0]
            | "\(.file | split("/") | last):\(.line) inlined=\(.inlined)"] | first') || exit 1
case "$line" in hot_lock.c:*" inlined=0") ;; *) fail "barrier wait frame: expected hot_lock.c:LINE, got $line" ;; esac
with_timeout 60 "$SNAG" report trace > report.txt
assert_file_has report.txt "hot_lock_worker (hot_lock.c:" "the text report's stack under the barrier"

snag_run fork_trace "$SAMPLES/fork_while_locked"
report_json fork_trace fork.json
holder=$(jqr fork.json '[.findings[0].stacks[] | select(.role == "holder" and .for == "holds") | .frames[0].function] | join(",")') || exit 1
assert_eq "the holder's acquisition stack" logger_thread "$holder"
child=$(jqr fork.json '[.findings[0].stacks[] | select(.role == "waiter" and .for == "wants") | .frames[].function]
          | if index("main") != null then "\(.[0]) ... main" else join(",") end') || exit 1
assert_eq "the blocked child's wait stack" "write_log_line ... main" "$child"
