#!/bin/sh
# ] and [ visit every event, also those sharing a nanosecond, in (time,
# thread, sequence) order, selecting the event's thread; e and E do the
# same on one thread (see gen_trace.c "ties"). The details screen (Enter)
# shows the event stepped onto.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" ties ties >/dev/null || fail "gen_trace ties failed"

# visited KEYS: "tid:event" of the event the details screen shows after KEYS.
visited()
{
    view_dump details.txt --keys "$1<Enter>" ties
    tid=$(sed -n 's/^Thread \([0-9]*\) .*/\1/p' details.txt | head -n 1)
    event=$(sed -n 's/^Last event at or before the cursor: event \([0-9]*\) of .*/\1/p' details.txt | head -n 1)
    printf '%s:%s@%s' "$tid" "$event" "$(sed -n 's/^.*cursor at \([0-9.]*\) ms$/\1/p' details.txt | head -n 1)"
}

forward=''
keys=''
for step in 1 2 3 4 5 6 7; do
    keys="$keys]"
    forward="$forward $(visited "$keys")"
done
assert_eq "] through every event" \
    " 4000:1@0.000500 4001:1@0.000500 4000:2@0.001000 4000:3@0.001000 4001:2@0.001000 4001:3@0.002000 4000:4@0.003000" \
    "$forward"

backward=''
keys='G'
for step in 1 2 3 4 5 6 7; do
    keys="$keys["
    backward="$backward $(visited "$keys")"
done
assert_eq "[ back through every event" \
    " 4000:4@0.003000 4001:3@0.002000 4001:2@0.001000 4000:3@0.001000 4000:2@0.001000 4001:1@0.000500 4000:1@0.000500" \
    "$backward"

# ] then [ is back on the event before
assert_eq "]]]] then [" "4000:2@0.001000" "$(visited ']]]][')"
# e and E on the main thread: its two events at 1000 ns each
assert_eq "ee on main" "4000:2@0.001000" "$(visited 'ee')"
assert_eq "eee on main" "4000:3@0.001000" "$(visited 'eee')"
assert_eq "eeeE on main" "4000:2@0.001000" "$(visited 'eeeE')"
