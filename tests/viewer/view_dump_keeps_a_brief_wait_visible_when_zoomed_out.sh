#!/bin/sh
# A cell summarises its slice of time by its most telling state: a 1 us
# wait for a mutex inside a 10 ms cell of running shows as '#', drawn from
# the summary (the whole second in view, 200000 events) and from the events
# (zoomed in, a few thousand in view); a thread that never waits shows none.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" brief brief >/dev/null || fail "gen_trace brief failed"

# lane LABEL SCREEN: the cells of the lane labelled LABEL.
lane()
{
    grep "^[> ]$1 " "$2" | head -n 1 | sed "s/^[> ]$1 *//"
}

view_dump whole.txt --size 119x30 brief
assert_file_has whole.txt "11.0 ms/col" "the whole second at about 10 ms a column"
steady=$(lane "3000 steady" whole.txt)
assert_eq "the wait's cells, whole trace" 1 "$(printf '%s' "$steady" | tr -cd '#' | wc -c)"
assert_eq "everything else runs" "" "$(printf '%s' "$steady" | tr -d '#-')"
assert_eq "the quiet thread never waits" 0 "$(lane "3001 quiet" whole.txt | tr -cd '#' | wc -c)"
# Its cell: the one that holds 500.5 ms.
cell=$(printf '%s' "$steady" | awk '{ print index($0, "#") - 1 }')
assert_eq "the wait's cell (500.5 ms at 11.0 ms a cell)" 45 "$cell"

view_dump zoomed.txt --size 119x30 --at 500500000 --keys '+++++' brief
assert_file_has zoomed.txt "343 us/col" "zoomed in five times"
assert_eq "the wait's cells, zoomed in" 1 "$(lane "3000 steady" zoomed.txt | tr -cd '#' | wc -c)"
