#!/bin/sh
# The details screen shows, under the event at the cursor, the stack captured
# with it: in abba_deadlock, a thread's wait for the second account lock,
# symbolised down to the thread's routine.
. "$(dirname "$0")/viewer_lib.sh"

snag_run trace "$SAMPLES/abba_deadlock"
assert_run_status "abba_deadlock ends with snag's deadlock status" 120
# the time the deadlock was found: every thread of the cycle waits then
"$SNAG" report --json trace >report.json || fail "snag report failed"
found=$(jq -r ".findings[0].time_ns" report.json)
for lane in 1 2; do
    view_dump screen.txt --size 120x30 --screen details --at "$found" --lane "$lane" trace
    assert_file_has screen.txt "mutex wait on" "the wait at the cursor"
    assert_file_has screen.txt "stack:" "the stack heading"
    assert_file_has screen.txt "  transfer (abba_deadlock.c:" "the innermost frame"
    grep -q "  checking_to_savings (abba_deadlock.c:\|  savings_to_checking (abba_deadlock.c:" screen.txt ||
        fail "lane $lane: the thread's routine is not in the stack: $(cat screen.txt)"
done
