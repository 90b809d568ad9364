#!/bin/sh
# Cursor moves land on exact event times (a synthetic trace, one tick one
# nanosecond; see gen_trace.c "deadlock"): e/E on the selected thread, ]/[
# on any thread, w/W on blocking waits, g/G the ends; zooming halves and
# doubles the time per column around the cursor; f fits the whole trace;
# a click selects a lane and a time.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" deadlock dl >/dev/null || fail "gen_trace deadlock failed"

# at ARGS...: the cursor time after `snag view --dump ARGS dl`.
at()
{
    view_dump screen.txt "$@" dl
    cursor_ns screen.txt
}

assert_eq "e on alpha from the start" 250 "$(at --lane 1 --keys e)"
assert_eq "ee on alpha" 1000 "$(at --lane 1 --keys ee)"
assert_eq "eee on alpha" 2000 "$(at --lane 1 --keys eee)"
assert_eq "eeee on alpha: no later event, stays" 2000 "$(at --lane 1 --keys eeee)"
assert_file_has screen.txt "no later event on this thread" "message after the last event"
assert_eq "E on alpha from 2000" 1000 "$(at --lane 1 --at 2000 --keys E)"
assert_eq "E on alpha from 1999" 1000 "$(at --lane 1 --at 1999 --keys E)"
assert_eq "e on beta from 1000" 1500 "$(at --lane 2 --at 1000 --keys e)"
assert_eq "] from the start" 200 "$(at --keys ']')"
assert_eq "]]]]]]" 1000 "$(at --keys ']]]]]]')"
assert_eq "]]]]]]]]] (the last event)" 2500 "$(at --keys ']]]]]]]]]')"
assert_eq "[ from 1500" 1000 "$(at --at 1500 --keys '[')"
assert_eq "w on alpha" 2000 "$(at --lane 1 --keys w)"
assert_eq "W on beta from the end" 2500 "$(at --lane 2 --keys GW)"
assert_eq "G" 10000 "$(at --keys G)"
assert_eq "G then g" 0 "$(at --keys Gg)"
assert_eq "<End> then <Home>" 0 "$(at --keys '<End><Home>')"
assert_eq "l moves one column" 167 "$(at --keys l)"

# 80 columns: 20 for the labels, 60 for 10000 ns: 167 ns per column.
view_dump screen.txt dl
assert_file_has screen.txt "167 ns/col" "fitted zoom"
view_dump screen.txt --keys + dl
assert_file_has screen.txt "83 ns/col" "zoomed in once"
view_dump screen.txt --keys ++- dl
assert_file_has screen.txt "82 ns/col" "in twice, out once"
view_dump screen.txt --keys ---- dl
assert_file_has screen.txt "167 ns/col" "zooming out stops at the whole trace"
view_dump screen.txt --keys +++f dl
assert_file_has screen.txt "167 ns/col" "f fits again"
view_dump screen.txt --keys +++0 dl
assert_file_has screen.txt "167 ns/col" "0 fits again"

# The cursor keeps its column when zooming (the 'v' on the time axis).
column_of_cursor()
{
    sed -n 2p "$1" | awk '{ print index($0, "v") }'
}
view_dump before.txt --at 5000 dl
view_dump after.txt --at 5000 --keys ++ dl
before=$(column_of_cursor before.txt)
after=$(column_of_cursor after.txt)
assert_int -gt "cursor column before zooming" "$before" 20
[ "$after" -ge $((before - 1)) ] && [ "$after" -le $((before + 1)) ] ||
    fail "zooming moved the cursor from column $before to $after"
assert_eq "zooming keeps the cursor time" 5000 "$(cursor_ns after.txt)"

# A click on beta's lane (row 6 from 1), 30 columns into the cells.
view_dump screen.txt --keys '<Click:50,5>' dl
selected_row screen.txt | grep -q '^>2002 beta' || fail "the click did not select beta: $(cat screen.txt)"
assert_eq "the click's time (column 30 of 167 ns)" 5010 "$(cursor_ns screen.txt)"

# Details of the event under the cursor, its call site spelled out.
view_dump details.txt --screen details --lane 1 --at 1000 dl
assert_file_has details.txt "Last event at or before the cursor: event 2 of 3" "details header"
assert_file_has details.txt "mutex acquire on mutex first used at 0x401100" "the event under the cursor"
assert_file_has details.txt "at 0x401100" "its call site"
