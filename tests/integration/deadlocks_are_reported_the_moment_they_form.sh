#!/bin/sh
# Each deadlock sample is reported by the shim the moment its cycle closes
# (stderr names every thread of the cycle and who holds what it wants), and,
# since every thread is then blocked, snag ends it with status 120 instead
# of leaving it hanging.
. "$(dirname "$0")/lib.sh"

# expect_deadlock SAMPLE THREADS: the run ends with 120 and reports a cycle of THREADS threads.
expect_deadlock()
{
    snag_run "$1.trace" "$SAMPLES/$1"
    assert_run_status "$1 ends with snag's deadlock status" 120
    assert_file_has run.err "snag: DEADLOCK in process" "$1's report"
    assert_eq "$1: threads in the cycle" "$2" "$(grep -c '^snag:   thread ' run.err)"
    assert_file_has run.err "is blocked and none can wake another: ending it with status 120" "$1's ending"
    assert_eq "$1: the deadlock is reported once" 1 "$(grep -c 'DEADLOCK' run.err)"
    cp run.err "$1.err"
    # ... and is in the trace: one deadlock finding naming every thread of the cycle
    report_json "$1.trace" "$1.json"
    assert_eq "$1: findings" "deadlock" "$(jqr "$1.json" '[.findings[].kind] | join(",")')"
    assert_eq "$1: threads in the finding" "$2" "$(jqr "$1.json" '.findings[0].threads | length')"
    assert_eq "$1: the process ended with 120" '{"status":120}' \
        "$(jqr "$1.json" '.processes[0].exit | tojson')"
}

expect_deadlock abba_deadlock 2
assert_file_has abba_deadlock.err "(to-savings) waits for mutex" "the thread names"
assert_file_has abba_deadlock.err "(to-checking) waits for mutex" "the thread names"
message=$(jqr abba_deadlock.json '.findings[0].message') || exit 1
case $message in
*"waits for savings at transfer (abba_deadlock.c:"*"while holding checking (taken at transfer (abba_deadlock.c:"*) ;;
*) fail "the abba message names neither locks nor symbolised sites: $message" ;;
esac
# every thread's stacks, where it took its lock and where it waits, symbolised
assert_eq "abba: stacks" "checking_to_savings:holds,checking_to_savings:wants,savings_to_checking:holds,savings_to_checking:wants" \
    "$(jqr abba_deadlock.json '[.findings[0].stacks[] | "\(.frames[1].function):\(.for)"] | sort | join(",")')"
assert_eq "abba: each thread holds one lock and wants the other" "checking>savings,savings>checking" \
    "$(jqr abba_deadlock.json '.findings[0] as $f | [$f.threads[] | "\($f.locks[.holds]["label"])>\($f.locks[.wants]["label"])"] | sort | join(",")')"

expect_deadlock dining_philosophers 5
for seat in 0 1 2 3 4; do
    assert_file_has dining_philosophers.err "(philosopher-$seat) waits for mutex" "philosopher $seat"
done

expect_deadlock relock_deadlock 1
assert_file_has relock_deadlock.err "(itself)" "a thread relocking its own mutex"
assert_eq "relock subkind" relock "$(jqr relock_deadlock.json '.findings[0].subkind')"
case $(jqr relock_deadlock.json '.findings[0].message') in
*"waits for log_lock at flush_log (relock_deadlock.c:"*"while holding log_lock (taken at log_line (relock_deadlock.c:"*) ;;
*) fail "relock message: $(jqr relock_deadlock.json '.findings[0].message')" ;;
esac

expect_deadlock join_under_lock 2
assert_file_has join_under_lock.err ") joins thread " "the join"
assert_file_has join_under_lock.err "(worker) waits for mutex" "the worker"

expect_deadlock rwlock_deadlock 2
assert_file_has rwlock_deadlock.err "(writer) waits for rwlock (to write)" "the writer"
assert_file_has rwlock_deadlock.err "(reader) waits for mutex" "the reader"
