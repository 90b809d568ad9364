#!/bin/sh
# fork_while_locked forks while its logger thread holds log_lock; the child
# then blocks on log_lock for good: a fork_hazard of high severity, naming
# the lock, the holder's and the child's call sites. Its pthread_atfork twin
# has no finding at all. The killed child's lifetime runs until its
# parent's wait saw it gone.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/fork_while_locked"
assert_eq "output" "child hung on log_lock and was killed" "$(cat run.out)"
report_json trace report.json
assert_eq "findings" 1 "$(jqr report.json '.findings | length')"
assert_eq "kind/subkind/severity" "fork_hazard/lock_held_at_fork/high" \
    "$(jqr report.json '.findings[0] | "\(.kind)/\(.subkind)/\(.severity)"')"
assert_eq "the lock" "log_lock" "$(jqr report.json '.findings[0].locks[0]["label"]')"
assert_eq "the threads' roles" "forker,holder,waiter" \
    "$(jqr report.json '[.findings[0].threads[].role] | join(",")')"
assert_eq "the holder holds and the waiter wants the lock" "0,null,null,0" \
    "$(jqr report.json '[.findings[0].threads[1].holds, .findings[0].threads[1].wants, .findings[0].threads[2].holds, .findings[0].threads[2].wants] | map(tostring) | join(",")')"
case $(jqr report.json '.findings[0].threads[1].held_at') in
logger_thread\ \(fork_while_locked.c:*) ;;
*) fail "the holder's site is not logger_thread: $(jq -c '.findings[0].threads[1]' report.json)" ;;
esac
case $(jqr report.json '.findings[0].threads[2].waits_at') in
write_log_line\ \(fork_while_locked.c:*) ;;
*) fail "the waiter's site is not write_log_line: $(jq -c '.findings[0].threads[2]' report.json)" ;;
esac
parent=$(jqr report.json '[.processes[] | select(.argv[0] | endswith("fork_while_locked"))][0].pid') || exit 1
child=$(jqr report.json '.findings[0].child_pid') || exit 1
assert_eq "the finding's process is the parent" "$parent" "$(jqr report.json '.findings[0].pid')"
assert_eq "the child was killed by its parent (SIGKILL)" '{"signal":9}' \
    "$(jqr report.json ".processes[] | select(.pid == $child) | .exit | tojson")"
# It hung until its parent killed it after half a second: it lived that
# long (not just until its last record), and so did its blocked thread.
lifetime=$(jqr report.json ".processes[] | select(.pid == $child) | .end_ns - .start_ns") || exit 1
[ "$lifetime" -ge 450000000 ] || fail "the child lived $lifetime ns, expected about 500 ms (until its parent killed it)"
assert_eq "the blocked thread ends with its process" \
    "$(jqr report.json ".processes[] | select(.pid == $child) | .end_ns")" \
    "$(jqr report.json ".processes[] | select(.pid == $child) | .threads[0].end_ns")"
message=$(jqr report.json '.findings[0].message') || exit 1
case $message in
*"logger_thread (fork_while_locked.c:"*"write_log_line (fork_while_locked.c:"*) ;;
*) fail "the message names neither the holder's nor the child's call site: $message" ;;
esac

snag_run_ok twin "$SAMPLES/fork_with_atfork"
assert_eq "twin output" "child finished" "$(cat run.out)"
report_json twin twin.json
assert_eq "findings for the pthread_atfork twin" 0 "$(jqr twin.json '.findings | length')"
