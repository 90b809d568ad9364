#!/bin/sh
# The help is taller than an 80x24 terminal: it scrolls with j/k, the
# arrows, PgUp/PgDn, g/G and Home/End, and its last line says which lines
# are shown; every line can be reached, and Esc goes back.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" ties ties >/dev/null || fail "gen_trace ties failed"
terminal_start 80x24 "$SNAG" view ties
terminal_wait_for "q:quit"
terminal_keys '?'
terminal_wait_for "-- lines 1-21 of "
total=$(sed -n 's/^-- lines 1-21 of \([0-9]*\):.*/\1/p' "$IT_DIR/.it/pane.txt" | head -n 1)
assert_int -gt "help lines" "$total" 21
terminal_wait_for "snag view: what threads do"
terminal_keys j j Down
terminal_wait_for "-- lines 4-24 of $total"
terminal_wait_gone "snag view: what threads do"
terminal_keys k Up
terminal_wait_for "-- lines 2-22 of $total"
terminal_keys NPage
terminal_wait_for "-- lines 22-42 of $total"
terminal_keys PPage
terminal_wait_for "-- lines 2-22 of $total"
terminal_keys G
terminal_wait_for "-- lines $((total - 20))-$total of $total"
terminal_wait_for "what each thread holds, what it waits for and who holds that."
terminal_keys g
terminal_wait_for "-- lines 1-21 of $total"
terminal_keys End
terminal_wait_for "-- lines $((total - 20))-$total of $total"
terminal_keys Home
terminal_wait_for "snag view: what threads do"
terminal_keys Escape
terminal_wait_gone "-- lines"
terminal_wait_for "4001 worker"
terminal_keys q
terminal_wait_done
assert_eq "exit status after q" 0 "$VIEW_EXIT"
assert_terminal_restored "after q"
