#!/bin/sh
# In a real terminal at 80x24, on abba_deadlock's trace: the findings screen
# (key 3) lists the deadlock with its threads' stacks under it, J scrolls
# them, and Enter shows the timeline with the cursor at the finding's time
# (`snag report --json`'s time_ns, to the nanosecond) and the finding's
# first thread selected.
. "$(dirname "$0")/viewer_lib.sh"

snag_run trace "$SAMPLES/abba_deadlock"
assert_run_status "abba_deadlock ends with snag's deadlock status" 120
report_json trace report.json
time_ns=$(jqr report.json '.findings[0].time_ns')
first_tid=$(jqr report.json '.findings[0].threads[0].tid')
[ "$(jqr report.json '.findings[0].kind')" = deadlock ] || fail "no deadlock finding: $(jq -c .findings report.json)"
lines=$(finding_stack_lines report.json)

terminal_start 80x24 "$SNAG" view trace
terminal_wait_for "q:quit"
terminal_keys 3
terminal_wait_for "[high] deadlock/lock_cycle"
terminal_wait_for "Stacks of the selected finding's threads"
terminal_wait_for "lines 1-16 of $lines"
assert_file_has "$IT_DIR/.it/pane.txt" "    transfer (abba_deadlock.c:" "the innermost frame in the terminal"
terminal_keys J
terminal_wait_for "lines 2-17 of $lines"

terminal_keys Enter
terminal_wait_for "[Timeline]"
terminal_wait_for "At "
terminal_capture timeline.txt
assert_eq "the cursor's time after Enter on the finding" "$time_ns" "$(cursor_ns timeline.txt)"
selected_row timeline.txt | grep -q "^>$first_tid " ||
    fail "the finding's first thread ($first_tid) is not selected: $(cat timeline.txt)"

terminal_keys q
terminal_wait_done
assert_eq "exit status after q" 0 "$VIEW_EXIT"
assert_terminal_restored "after q"
