#!/bin/sh
# Text from a trace reaches the screen only sanitised: an escape sequence
# in a thread name, in argv or in the trace's path is shown as "\x1b...",
# an invalid byte as "\xff", a bidirectional override as "\u202e"; no
# control byte is ever printed.
. "$(dirname "$0")/viewer_lib.sh"

evil=$(printf '\033[31mevil\033]0;title\007')
"$GEN_TRACE" names names "$evil" >/dev/null || fail "gen_trace names failed"
view_dump screen.txt --size 120x30 --at 3000 names
assert_file_has screen.txt '2001 \x1b[31mevil' "thread name, escaped"
assert_file_has screen.txt '2001 \x1b[31mevil\x1b]0;title\x07' "thread name in the panel, escaped"
assert_file_has screen.txt 'pid 2000 deadlock_demo \x1b[31mevil\x1b]0;title\x07' "argv, escaped"
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" screen.txt; then
    fail "a control byte reached the output: $(od -c screen.txt | head -40)"
fi

odd=$(printf 'odd\377\342\200\256name')
rm -rf odd
"$GEN_TRACE" names odd "$odd" >/dev/null || fail "gen_trace names failed"
view_dump screen.txt --size 120x30 --lane 1 odd
assert_file_has screen.txt '2001 odd\xff\u202ename: not alive' "invalid byte and bidi override, escaped"
assert_file_has screen.txt 'pid 2000 deadlock_demo odd\xff\u202ename' "the same in argv"

dir=$(printf 'path\033[2Jhere')
mkdir "$dir" || fail "cannot create a directory with an escape in its name"
"$GEN_TRACE" deadlock "$dir/inner" >/dev/null || fail "gen_trace deadlock failed"
view_dump screen.txt --size 120x30 "$dir/inner"
assert_file_has screen.txt 'path\x1b[2Jhere/inner' "trace path in the title, escaped"
if LC_ALL=C grep -q "$(printf '\033')" screen.txt; then fail "an escape reached the output"; fi
