#!/bin/sh
# However snag view ends, the terminal is given back as it was: killed by
# SIGTERM or SIGHUP, interrupted by Ctrl-C (SIGINT), or crashing (SIGSEGV).
# It dies of the signal (exit status 128+N), after restoring the terminal.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" deadlock dl >/dev/null || fail "gen_trace deadlock failed"

for signal in TERM HUP INT SEGV; do
    tmx kill-server >/dev/null 2>&1
    terminal_start 100x30 "$SNAG" view dl
    terminal_wait_for "q:quit"
    pid=$(terminal_command_pid)
    [ -n "$pid" ] || fail "cannot find snag view's pid"
    if [ "$signal" = INT ]; then
        terminal_keys C-c
    else
        kill -s "$signal" "$pid" || fail "cannot send SIG$signal to $pid"
    fi
    terminal_wait_done
    case $signal in
    TERM) expected=143 ;;
    HUP) expected=129 ;;
    INT) expected=130 ;;
    SEGV) expected=139 ;;
    esac
    # A sanitizer build reports the SEGV itself, then exits 1 or aborts (134).
    if [ "$signal" != SEGV ] || { [ "$VIEW_EXIT" != 1 ] && [ "$VIEW_EXIT" != 134 ]; }; then
        assert_eq "exit status after SIG$signal" "$expected" "$VIEW_EXIT"
    fi
    assert_terminal_restored "after SIG$signal"
done
