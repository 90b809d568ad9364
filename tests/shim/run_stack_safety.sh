#!/bin/sh
# Runs stack_capture_is_safe natively and under snag (same output, exit 0)
# and checks the trace: the constructor's contended wait has its stack, the
# 16 KiB thread's wait has none (too little room to unwind), and a signal
# handler's sem_post wakes a sem_wait that captured its stack before
# blocking (sem_post itself never captures).
set -eu
snag=$1 program=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
native=$(timeout 60 "$program") || fail "native run exited $?"
traced=$(timeout 60 "$snag" run -q -o "$work/trace" "$program") || fail "traced run exited $?"
[ "$native" = "$traced" ] || fail "output differs under snag: '$native' vs '$traced'"
"$snag" report --json --all "$work/trace" > "$work/report.json"
lock() { jq -c --arg name "$1" "[.locks[] | select(.label == \$name)] | first | $2" "$work/report.json"; }
[ "$(lock constructor_lock .contended)" = 1 ] || fail "constructor_lock: expected one contended acquisition"
[ "$(lock constructor_lock '[.stacks[].frames[].function] | index("wait_in_constructor") != null')" = true ] ||
    fail "constructor_lock: no stack through wait_in_constructor: $(lock constructor_lock .stacks)"
[ "$(lock tiny_stack_lock .contended)" = 1 ] || fail "tiny_stack_lock: expected one contended acquisition"
[ "$(lock tiny_stack_lock '.stacks | length')" = 0 ] || fail "tiny_stack_lock: a 16 KiB thread got a stack"
[ "$(lock posted_by_handler .signals)" = 2 ] || fail "posted_by_handler: expected 2 posts, got $(lock posted_by_handler .signals)"
# the blocking sem_wait (captured before it blocked) ended in EINTR when the handler ran
[ "$(lock posted_by_handler .failures)" = 1 ] || fail "posted_by_handler: expected the wait the signal interrupted"
[ "$(lock posted_by_handler .acquisitions)" = 2 ] || fail "posted_by_handler: expected both tokens taken"
echo "constructor wait, 16 KiB thread and signal-handler posts behave and are recorded as expected"
