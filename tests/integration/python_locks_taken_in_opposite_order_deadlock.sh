#!/bin/sh
# Two Python threads take two threading.Locks (POSIX semaphores initialised
# to 1 inside CPython) in opposite order: a deadlock through semaphores,
# reported once every thread is blocked, and ended with status 120.
. "$(dirname "$0")/lib.sh"

script=$IT_SOURCE_DIR/../../samples/python_lock_deadlock.py
[ -f "$script" ] || fail "python_lock_deadlock.py not found next to the tests: $script"
IT_RUN_TIMEOUT=60 snag_run trace python3 "$script"
assert_run_status "the script ends with snag's deadlock status" 120
assert_file_has run.err "snag: DEADLOCK in process" "the deadlock report"
assert_eq "both threads wait for a semaphore the other took" 2 "$(grep -c 'waits for semaphore .* held by thread' run.err)"
