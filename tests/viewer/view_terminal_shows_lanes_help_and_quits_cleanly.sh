#!/bin/sh
# In a real terminal (tmux, 100x30): the timeline shows the process and its
# lanes, a mouse click selects a lane, ? shows the help and Esc leaves it, the locks screen lists
# counter_lock, keys move around without trouble, and q quits with status
# 0, leaving the terminal as it was.
. "$(dirname "$0")/viewer_lib.sh"

snag_run_ok trace "$SAMPLES/hot_lock" 3 20000
report_json trace report.json
pid=$(jqr report.json '.processes[0].pid')

terminal_start 100x30 "$SNAG" view trace
terminal_wait_for "q:quit"
terminal_wait_for "pid $pid"
for tid in $(jqr report.json '.processes[0].threads[].tid'); do
    terminal_wait_for "$tid hot_lock"
done
assert_eq "alternate screen while viewing" 1 "$(terminal_flag alternate_on)"

# A mouse click (as the terminal reports it: X10, 1-based) on the second
# lane (row 5), 30 columns into the cells: that lane is selected.
second_tid=$(jqr report.json '.processes[0].threads[1].tid')
terminal_keys -l "$(printf '\033[M \123\045\033[M#\123\045')"
terminal_wait_for ">$second_tid hot_lock"

terminal_keys '?'
terminal_wait_for "Everywhere"
terminal_keys NPage NPage NPage
terminal_wait_for "Timeline cells"
terminal_keys Escape
terminal_wait_gone "Everywhere"
terminal_wait_for "pid $pid"

terminal_keys j j e e ] + + + l l h - f G g w Space Space '>' '<' Enter
terminal_wait_for "Last event"
terminal_keys Escape
terminal_wait_for "pid $pid"
terminal_keys 2 a g
terminal_wait_for "counter_lock"
terminal_keys Enter
terminal_wait_for "Call sites of counter_lock"
terminal_keys Tab Tab
terminal_wait_for "[Timeline]"

terminal_keys q
terminal_wait_done
assert_eq "exit status after q" 0 "$VIEW_EXIT"
assert_terminal_restored "after q"
grep -q "q:quit" "$IT_DIR/.it/pane.txt" && fail "the viewer's screen is still there after q: $(cat "$IT_DIR/.it/pane.txt")"
exit 0
