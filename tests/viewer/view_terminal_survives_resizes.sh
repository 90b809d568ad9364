#!/bin/sh
# Resizing the terminal redraws the viewer at the new size: at 80x24 and
# 200x60 the title is on the first line, the key bar on the last, the lanes
# in between; at 200 columns the state panel is beside the timeline. A
# window too small for it says so, and it comes back when there is room.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" deadlock dl >/dev/null || fail "gen_trace deadlock failed"
terminal_start 120x40 "$SNAG" view dl
terminal_wait_for "q:quit"

# check_screen WIDTH HEIGHT: the screen fills the resized terminal.
check_screen()
{
    tries=100
    while [ "$tries" -gt 0 ]; do
        terminal_capture screen.txt
        [ "$(wc -l <screen.txt)" -eq "$2" ] && sed -n "${2}p" screen.txt | grep -q '^q:quit' && break
        sleep 0.1
        tries=$((tries - 1))
    done
    head -n 1 screen.txt | grep -q '^snag view ' || fail "no title at $1x$2: $(cat screen.txt)"
    tail -n 1 screen.txt | grep -q '^q:quit' || fail "no key bar at the bottom at $1x$2: $(cat screen.txt)"
    grep -q '^>2000 ' screen.txt || fail "no selected lane at $1x$2: $(cat screen.txt)"
    grep -q '^ 2001 alpha ' screen.txt || fail "no alpha lane at $1x$2: $(cat screen.txt)"
    awk -v width="$1" 'length($0) > width { exit 1 }' screen.txt || fail "a line wider than $1: $(cat screen.txt)"
}

tmx resize-window -t view -x 80 -y 24 || fail "tmux resize-window failed"
check_screen 80 24
grep -q '^At ' screen.txt || fail "no state panel under the timeline at 80x24: $(cat screen.txt)"
tmx resize-window -t view -x 200 -y 60
check_screen 200 60
grep -q '|At ' screen.txt || fail "no state panel beside the timeline at 200x60: $(cat screen.txt)"
tmx resize-window -t view -x 16 -y 4
terminal_wait_for "too small"
tmx resize-window -t view -x 80 -y 24
check_screen 80 24
terminal_keys q
terminal_wait_done
assert_eq "exit status after resizes" 0 "$VIEW_EXIT"
assert_terminal_restored "after resizes"
