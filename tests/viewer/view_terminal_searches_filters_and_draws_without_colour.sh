#!/bin/sh
# In a real terminal (tmux, 100x30): / opens a prompt on the key bar, Enter
# selects the first matching thread, n the next, F filters the lanes and
# says so, / on the locks screen finds a lock; the screen has colours, and
# none with --no-color or NO_COLOR set (glyphs and attributes only).
. "$(dirname "$0")/viewer_lib.sh"

[ -x "$SAMPLES/fork_while_locked" ] || skip "no fork_while_locked sample"
snag_run_ok trace "$SAMPLES/fork_while_locked" 100
report_json trace report.json
parent=$(jqr report.json '.processes[0].pid')
logger=$(jqr report.json '.processes[0].threads[1].tid')
child=$(jqr report.json '.processes[1].pid')

# colour_codes: SGR sequences with a colour (30-37, 38, 40-47, 48, 90-97,
# 100-107) in the pane's capture with escapes.
colour_codes()
{
    esc=$(printf '\033')
    tmx capture-pane -p -e -t view | grep -oE "$esc\\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]+)*m" | wc -l
}

terminal_start 100x30 "$SNAG" view trace
terminal_wait_for "q:quit"
terminal_wait_for "pid $child"
assert_int -gt "colour sequences on the screen" "$(colour_codes)" 0
terminal_keys /
terminal_wait_for "(Enter: search, Esc: cancel)"
terminal_keys -l fork
terminal_wait_for "/fork_"
terminal_keys Enter
terminal_wait_for ">$parent "
terminal_keys n
terminal_wait_for ">$logger "
terminal_keys F
terminal_wait_for "matching: 2 of 3 lanes"
terminal_wait_gone "pid $child"
terminal_keys F
terminal_wait_for "pid $child"
terminal_keys Tab
terminal_wait_for "TYPE"
terminal_keys / -l "[pid $child]"
terminal_keys Enter Enter
terminal_wait_for "Call sites of log_lock [pid $child]"
terminal_keys q
terminal_wait_done
assert_eq "exit status after q" 0 "$VIEW_EXIT"
assert_terminal_restored "after q"
tmx kill-server 2>/dev/null

for how in --no-color NO_COLOR; do
    if [ "$how" = NO_COLOR ]; then terminal_start 100x30 env NO_COLOR=1 "$SNAG" view trace
    else terminal_start 100x30 "$SNAG" view --no-color trace; fi
    terminal_wait_for "q:quit"
    terminal_wait_for "pid $child"
    assert_eq "colour sequences with $how" 0 "$(colour_codes)"
    terminal_keys q
    terminal_wait_done
    assert_eq "exit status after q ($how)" 0 "$VIEW_EXIT"
    tmx kill-server 2>/dev/null
done
exit 0
