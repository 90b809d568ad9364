#!/bin/sh
# The findings screen lists what the findings analysis found, each with
# the report's message wrapped under its heading: for fork_while_locked,
# the fork while log_lock was held and the child stuck on it; Enter shows that moment on the timeline, with the forking thread
# selected and the child's lane waiting ('#') until it was reaped. A trace
# without findings says so.
. "$(dirname "$0")/viewer_lib.sh"

[ -x "$SAMPLES/fork_while_locked" ] || skip "no fork_while_locked sample"
snag_run_ok trace "$SAMPLES/fork_while_locked" 200
report_json trace report.json
[ "$(jqr report.json '.findings | length')" -ge 1 ] || fail "the report has no finding: $(jq -c .findings report.json)"
time_ns=$(jqr report.json '.findings[0].time_ns')
parent=$(jqr report.json '.processes[0].pid')

view_dump findings.txt --size 160x40 --screen findings trace
assert_file_has findings.txt "[high] fork_hazard/lock_held_at_fork" "the finding"
assert_file_has findings.txt "in pid $parent" "its process"
# The message's lines, joined again, are the report's message.
shown=$(grep -A3 "fork_hazard/lock_held_at_fork" findings.txt | tail -n 3 | sed 's/^  //' | tr '\n' ' ' | sed 's/ *$//')
assert_eq "the message under the heading" "$(jqr report.json '.findings[0].message')" "$shown"
case $shown in
"process $parent forked (thread $parent) while its thread "*" held log_lock (taken at "*"blocked on it for good at write_log_line"*) ;;
*) fail "the message does not name the fork, the lock and the stuck child: $shown" ;;
esac

view_dump timeline.txt --screen findings --keys '<Enter>' trace
assert_file_has timeline.txt "[Timeline]" "Enter shows the timeline"
assert_eq "cursor at the finding" "$time_ns" "$(cursor_ns timeline.txt)"
selected_row timeline.txt | grep -q "^>$parent " || fail "the forking thread is not selected: $(cat timeline.txt)"
grep -q 'killed by signal 9' timeline.txt || fail "the child's process line does not say it was killed: $(cat timeline.txt)"
child_row=$(grep -A1 'killed by signal 9' timeline.txt | tail -n 1)
case $child_row in *'#####'*) ;; *) fail "the stuck child's lane does not show its wait: $child_row" ;; esac

"$GEN_TRACE" deadlock dl >/dev/null || fail "gen_trace deadlock failed"
view_dump none.txt --screen findings dl
assert_file_has none.txt "no findings" "a trace without findings"
