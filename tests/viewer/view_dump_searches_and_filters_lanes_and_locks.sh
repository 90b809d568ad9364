#!/bin/sh
# / searches the timeline's threads by name or tid and the locks screen's
# locks by label (Enter goes to the first match, from the selection on);
# n/N go to the next/previous match, wrapping around; F shows only the
# matching threads, P only the selected thread's process, each toggling.
# fork_while_locked: parent (main, logger) and a child whose thread has no name.
. "$(dirname "$0")/viewer_lib.sh"

[ -x "$SAMPLES/fork_while_locked" ] || skip "no fork_while_locked sample"
snag_run_ok trace "$SAMPLES/fork_while_locked" 100
report_json trace report.json
parent=$(jqr report.json '.processes[0].pid')
logger=$(jqr report.json '.processes[0].threads[1].tid')
child=$(jqr report.json '.processes[1].pid')

selected_after()
{
    view_dump screen.txt --keys "$1" trace
    selected_row screen.txt | sed 's/^>\([0-9]*\).*/\1/'
}

assert_eq "/CHILD_PID" "$child" "$(selected_after "/$child<Enter>")"
assert_file_has screen.txt "/$child" "the search on the key bar"
assert_eq "/fork: the selected thread matches already" "$parent" "$(selected_after '/fork<Enter>')"
assert_eq "/FORK ignores case" "$parent" "$(selected_after '/FORK<Enter>')"
assert_eq "/fork n" "$logger" "$(selected_after '/fork<Enter>n')"
assert_eq "/fork nn wraps around" "$parent" "$(selected_after '/fork<Enter>nn')"
assert_eq "/fork N wraps backwards" "$logger" "$(selected_after '/fork<Enter>N')"
assert_eq "/nothing-like-it" "$parent" "$(selected_after '/nothing-like-it<Enter>')"
assert_file_has screen.txt "no lane matches the search" "a search without a match"
assert_eq "/ then Esc: no search" "$parent" "$(selected_after '/x<Esc>n')"
assert_file_has screen.txt "no search: / to search lanes" "n without a search"
view_dump typing.txt --keys '/for<Backspace>o' trace
assert_file_has typing.txt "/foo_" "the prompt being typed, Backspace included"

# F: only the matching threads; the child's process line goes with its lane.
view_dump filtered.txt --keys '/fork<Enter>F' trace
assert_file_has filtered.txt "matching: 2 of 3 lanes" "the filter on the key bar"
grep -q "^pid $child " filtered.txt && fail "the child's process is still shown: $(cat filtered.txt)"
grep -q "^[> ]$logger " filtered.txt || fail "the logger is not shown: $(cat filtered.txt)"
view_dump unfiltered.txt --keys '/fork<Enter>FF' trace
grep -q "^pid $child " unfiltered.txt || fail "F again does not show every lane: $(cat unfiltered.txt)"
view_dump nosearch.txt --keys 'F' trace
assert_file_has nosearch.txt "no search to filter by" "F without a search"
# j/k move over the shown lanes only
assert_eq "/fork F j" "$logger" "$(selected_after '/fork<Enter>Fj')"
assert_eq "/fork F jj stays on the last shown" "$logger" "$(selected_after '/fork<Enter>Fjj')"

# P: only the selected thread's process.
view_dump process.txt --keys "/$child<Enter>P" trace
assert_file_has process.txt "one process: 1 of 3 lanes" "the process filter on the key bar"
grep -q "^pid $parent " process.txt && fail "the parent is still shown: $(cat process.txt)"

# Locks by label: each process's copy of log_lock is labelled with its pid.
view_dump locks.txt --screen locks --keys "/[pid $parent]<Enter><Enter>" trace
assert_file_has locks.txt "Call sites of log_lock [pid $parent]" "the lock found by / on the locks screen"
view_dump locks.txt --screen locks --keys "/log_lock<Enter>n<Enter>" trace
first=$(sed -n 's/^Call sites of log_lock \[pid \([0-9]*\)\].*/\1/p' locks.txt)
view_dump locks.txt --screen locks --keys "/log_lock<Enter><Enter>" trace
second=$(sed -n 's/^Call sites of log_lock \[pid \([0-9]*\)\].*/\1/p' locks.txt)
[ -n "$first" ] && [ -n "$second" ] && [ "$first" != "$second" ] ||
    fail "n on the locks screen does not go to the other log_lock ($first, $second)"
