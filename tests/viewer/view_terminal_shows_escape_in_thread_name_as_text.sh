#!/bin/sh
# A program names a thread "\033[31mevil" (pthread_setname_np). In a real
# terminal the viewer shows the name as the text "\x1b[31mevil": the escape
# never reaches the terminal (the pane's cells hold no colour change from
# the name, and the literal text is there).
. "$(dirname "$0")/viewer_lib.sh"

[ -x "$EVIL_THREAD_NAME" ] || fail "the test program is missing: $EVIL_THREAD_NAME"
snag_run_ok trace "$EVIL_THREAD_NAME"
report_json trace report.json
name=$(jqr report.json '.processes[0].threads[] | select(.main == 0) | .name')
[ "$name" = "$(printf '\033[31mevil')" ] || fail "the trace does not hold the evil name: $(jq -c . report.json)"

terminal_start 120x30 "$SNAG" view trace
terminal_wait_for "q:quit"
terminal_wait_for '\x1b[31mevil'
terminal_capture plain.txt
terminal_capture styled.txt -e
grep -qF '\x1b[31mevil' styled.txt || fail "the escaped name is not in the styled capture: $(cat styled.txt)"
if grep -q "$(printf '\033')\[31mevil" styled.txt; then
    fail "the name's escape sequence reached the terminal: $(od -c styled.txt | grep -n evil | head)"
fi
# The terminal's title (OSC) and the rest of the screen are intact.
grep -q '^snag view ' plain.txt || fail "the title line is gone: $(cat plain.txt)"
terminal_keys q
terminal_wait_done
assert_eq "exit status" 0 "$VIEW_EXIT"
