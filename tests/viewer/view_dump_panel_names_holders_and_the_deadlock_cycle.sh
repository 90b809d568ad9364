#!/bin/sh
# The state panel shows the wait-for graph at the cursor: each thread's
# state, what it holds, what it waits for and who holds that, and names a
# deadlock's cycle (gen_trace.c "deadlock": alpha holds m1 and waits for m2,
# beta holds m2 and waits for m1, main joins alpha).
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" deadlock dl >/dev/null || fail "gen_trace deadlock failed"

# 100 columns: the panel is under the timeline, its lines are not wrapped.
view_dump stuck.txt --size 100x40 --at 3000 dl
assert_file_has stuck.txt "At 3.00 us (3000 ns)" "panel title"
assert_file_has stuck.txt "DEADLOCK: 2001 alpha -> 2002 beta -> 2001 alpha" "the cycle"
assert_file_has stuck.txt "2001 alpha: waiting for a lock" "alpha's state"
assert_file_has stuck.txt "for mutex first used at 0x401200 (1.00 us), held by 2002 beta" "what alpha waits for"
assert_file_has stuck.txt "holds mutex first used at 0x401100" "what alpha holds"
assert_file_has stuck.txt "2002 beta: waiting for a lock" "beta's state"
assert_file_has stuck.txt "held by 2001 alpha" "who holds what beta waits for"
assert_file_has stuck.txt "2000: joining a thread" "main's state"
assert_file_has stuck.txt "joins thread 2001 alpha (2.60 us)" "whom main joins"

view_dump before.txt --size 100x40 --at 1200 dl
assert_file_has before.txt "2001 alpha: holding a lock" "alpha at 1200 ns"
grep -q DEADLOCK before.txt && fail "a deadlock reported at 1200 ns, before it happened: $(cat before.txt)"
grep -q "2002 beta: running" before.txt && fail "beta (running) is listed although not selected"
assert_file_has before.txt "1 running, 0 not alive" "the others, counted"

view_dump after.txt --size 100x40 --at 10000 dl
assert_file_has after.txt "2000: not alive" "the selected thread after the end"
assert_file_has after.txt "0 running, 2 not alive" "the others after the end"

# At 80x24 too; at 200 columns the panel is beside the timeline, its lines wrapped.
view_dump small.txt --at 3000 dl
assert_file_has small.txt "DEADLOCK: 2001 alpha -> 2002 beta -> 2001 alpha" "the cycle at 80x24"
view_dump wide.txt --size 200x30 --at 3000 dl
assert_file_has wide.txt "|DEADLOCK: 2001 alpha -> 2002 beta -> 2001 alpha" "the cycle at 200x30"
assert_file_has wide.txt "|  for mutex first used at 0x401200 (1.00 us), held by 2002" "what alpha waits for, at 200x30"
assert_file_has wide.txt "|    beta" "the wrapped rest"
