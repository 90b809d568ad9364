#!/bin/sh
# The locks screen is the report's lock table: hot_lock's counter_lock with
# its 200000 acquisitions; it sorts by acquisitions, hold, wait and
# contention (the selection stays on its lock); Enter lists the lock's call sites and marks its events on the
# timeline ('*'), Enter again shows the timeline.
. "$(dirname "$0")/viewer_lib.sh"

snag_run_ok trace "$SAMPLES/hot_lock" 2 100000
report_json trace report.json
contended=$(lock_field report.json counter_lock contended)

view_dump locks.txt --screen locks trace
grep -Eq "^mutex +counter_lock +200000 +$contended " locks.txt ||
    fail "no row 'mutex counter_lock 200000 $contended': $(cat locks.txt)"
assert_file_has locks.txt "by total wait time" "default order"
sed -n 3p locks.txt | grep -q '^TYPE  *LOCK  *ACQUIRED  *CONTENDED  *WAIT  *HOLD' ||
    fail "no table header: $(cat locks.txt)"

view_dump sorted.txt --screen locks --keys a trace
assert_file_has sorted.txt "by acquisitions" "sorted by acquisitions"
sed -n 4p sorted.txt | grep -q counter_lock || fail "counter_lock is not first by acquisitions: $(cat sorted.txt)"
for key in h c w; do
    view_dump sorted.txt --screen locks --keys "$key" trace
    grep -q "^mutex  *counter_lock  *200000" sorted.txt || fail "sorting with $key lost counter_lock: $(cat sorted.txt)"
done

view_dump sites.txt --screen locks --keys 'ag<Enter>' trace
assert_file_has sites.txt "Call sites of counter_lock (1), its events marked * on the timeline" "call sites title"
grep -q "^  at increment_shared_counter (hot_lock.c:[0-9]*) .* 200000 " sites.txt ||
    fail "no call site line for increment_shared_counter: $(cat sites.txt)"
grep -q '^\*mutex  *counter_lock' sites.txt || fail "the marked lock is not starred: $(cat sites.txt)"

view_dump marked.txt --screen locks --keys 'ag<Enter><Enter>' trace
assert_file_has marked.txt "[Timeline]" "Enter again shows the timeline"
workers_marked=$(grep -c '^[ >][0-9][0-9]* .*\*' marked.txt)
assert_int -ge "lanes with counter_lock's events marked" "$workers_marked" 2
view_dump unmarked.txt --screen locks --keys 'ag<Enter><Enter>u' trace
grep -q '^[ >][0-9][0-9]* .*\*' unmarked.txt && fail "u did not unmark: $(cat unmarked.txt)"
assert_file_has unmarked.txt "no lock marked" "message after u"
