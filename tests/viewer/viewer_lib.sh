# Shared helpers for the viewer's tests: sourced (". viewer_lib.sh") by
# every tests/viewer/*.sh script, which ctest runs as
#
#   sh SCRIPT.sh SNAG SAMPLES_DIR SHIM CC GEN_TRACE EVIL_THREAD_NAME
#
# On top of the integration tests' helpers (../integration/lib.sh: the
# per-test temporary directory, fail/skip/note, snag_run_ok, report_json,
# jqr, assert_*), this adds `snag view --dump` and a real terminal: a
# detached tmux session of fixed size on a private socket, killed when the
# test ends.
#
# POSIX sh; needs tmux for the view_terminal_* tests.

# lib.sh takes the first four arguments (and shifts them all away).
GEN_TRACE=${5:-}
EVIL_THREAD_NAME=${6:-}
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

# Screens are compared as UTF-8 text.
LC_ALL=C.UTF-8
export LC_ALL

[ -x "$GEN_TRACE" ] || fail "the trace generator is missing: $GEN_TRACE"

# view_dump, cursor_ns, selected_row
# shellcheck source=view_dump_lib.sh
. "$(dirname "$0")/../viewer/view_dump_lib.sh"

# finding_stack_lines REPORT_JSON: the lines the findings screen's stacks
# pane takes for the report's first finding: one per thread, per stack and
# per frame (how many frames libc adds depends on the machine).
finding_stack_lines()
{
    jqr "$1" '.findings[0] | ([.stacks[].tid] | unique | length) + (.stacks | length)
                             + ([.stacks[].frames | length] | add)'
}

# ---- a real terminal: tmux ----

VL_TMUX_SOCKET=$IT_DIR/.it/tmux.sock

tmx()
{
    tmux -S "$VL_TMUX_SOCKET" -f /dev/null "$@"
}

vl_cleanup()
{
    tmx kill-server >/dev/null 2>&1
    it_cleanup
}
trap vl_cleanup EXIT

need_tmux()
{
    command -v tmux >/dev/null 2>&1 || fail "tmux is needed (apt-get install tmux)"
}

# vl_quote ARG: ARG single-quoted for sh.
vl_quote()
{
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# terminal_start WIDTHxHEIGHT COMMAND [ARGS...]: runs COMMAND in the pane of
# a new detached tmux session "view" of that size, through a wrapper that
# saves the terminal's modes (stty -g) before and after it, prints
# "before-view" before it and "view-exit=STATUS" after it, and then keeps
# the pane open. The wrapper traps SIGINT (without ignoring it) so that
# Ctrl-C reaches the command and the wrapper lives on to report.
terminal_start()
{
    need_tmux
    vl_width=${1%x*}
    vl_height=${1#*x}
    shift
    vl_command=
    for vl_arg in "$@"; do vl_command="$vl_command $(vl_quote "$vl_arg")"; done
    cat >"$IT_DIR/.it/pane.sh" <<EOF
LC_ALL=C.UTF-8
export LC_ALL
ulimit -c 0
trap ':' INT
cd $(vl_quote "$IT_DIR")
stty -g >.it/stty.before
echo \$\$ >.it/pane.pid
printf 'before-view\\n'
$vl_command
echo "view-exit=\$?"
stty -g >.it/stty.after
: >.it/view.done
exec sleep 600
EOF
    rm -f "$IT_DIR/.it/view.done" "$IT_DIR/.it/pane.pid"
    tmx new-session -d -s view -x "$vl_width" -y "$vl_height" "sh $(vl_quote "$IT_DIR/.it/pane.sh")" ||
        fail "cannot start tmux"
}

# terminal_capture OUT [tmux capture-pane options]: the pane's text.
terminal_capture()
{
    vl_out=$1
    shift
    tmx capture-pane -p -t view "$@" >"$vl_out" || fail "tmux capture-pane failed"
}

# terminal_wait_for TEXT [SECONDS]: waits (default 20 s) until the pane shows TEXT.
terminal_wait_for()
{
    vl_tries=$((${2:-20} * 10))
    while [ "$vl_tries" -gt 0 ]; do
        terminal_capture "$IT_DIR/.it/pane.txt"
        grep -qF -- "$1" "$IT_DIR/.it/pane.txt" && return 0
        sleep 0.1
        vl_tries=$((vl_tries - 1))
    done
    fail "the terminal never showed '$1'; it shows: $(cat "$IT_DIR/.it/pane.txt")"
}

# terminal_wait_gone TEXT [SECONDS]: waits until the pane no longer shows TEXT.
terminal_wait_gone()
{
    vl_tries=$((${2:-20} * 10))
    while [ "$vl_tries" -gt 0 ]; do
        terminal_capture "$IT_DIR/.it/pane.txt"
        grep -qF -- "$1" "$IT_DIR/.it/pane.txt" || return 0
        sleep 0.1
        vl_tries=$((vl_tries - 1))
    done
    fail "the terminal still shows '$1': $(cat "$IT_DIR/.it/pane.txt")"
}

terminal_keys()
{
    tmx send-keys -t view "$@" || fail "tmux send-keys $* failed"
}

# terminal_flag NAME: a tmux format variable of the pane (alternate_on, cursor_flag, ...).
terminal_flag()
{
    tmx display-message -p -t view "#{$1}"
}

# terminal_wait_done [SECONDS]: waits until the command in the pane ended;
# VIEW_EXIT is then its exit status.
terminal_wait_done()
{
    vl_tries=$((${1:-20} * 10))
    while [ "$vl_tries" -gt 0 ] && [ ! -e "$IT_DIR/.it/view.done" ]; do
        sleep 0.1
        vl_tries=$((vl_tries - 1))
    done
    terminal_capture "$IT_DIR/.it/pane.txt"
    [ -e "$IT_DIR/.it/view.done" ] || fail "the command in the terminal did not end; it shows: $(cat "$IT_DIR/.it/pane.txt")"
    VIEW_EXIT=$(sed -n 's/^view-exit=\([0-9]*\)$/\1/p' "$IT_DIR/.it/pane.txt" | tail -n 1)
}

# terminal_command_pid: the pid of the command the pane's wrapper runs.
terminal_command_pid()
{
    vl_wrapper=$(cat "$IT_DIR/.it/pane.pid" 2>/dev/null) || fail "the pane's wrapper did not start"
    ps -o pid= --ppid "$vl_wrapper" | tr -d ' ' | head -n 1
}

# assert_terminal_restored WHAT: after the command ended, the terminal is as
# it was: same stty modes, the normal screen (not the alternate one), the
# cursor visible, the mouse no longer reported, the wrapper's text back.
assert_terminal_restored()
{
    cmp -s "$IT_DIR/.it/stty.before" "$IT_DIR/.it/stty.after" ||
        fail "$1: terminal modes changed: $(cat "$IT_DIR/.it/stty.before") -> $(cat "$IT_DIR/.it/stty.after")"
    assert_eq "$1: alternate screen" 0 "$(terminal_flag alternate_on)"
    assert_eq "$1: cursor visible" 1 "$(terminal_flag cursor_flag)"
    assert_eq "$1: mouse reporting" 0 "$(terminal_flag mouse_any_flag)"
    assert_eq "$1: keypad mode" 0 "$(terminal_flag keypad_flag)"
    terminal_capture "$IT_DIR/.it/pane.txt"
    assert_file_has "$IT_DIR/.it/pane.txt" before-view "$1: the text from before the viewer"
}
