#!/bin/sh
# --on-deadlock=report says what happened but leaves the deadlocked program
# as it would be without snag: still hanging (here until timeout ends it).
. "$(dirname "$0")/lib.sh"

timeout 8 "$SNAG" run -q --on-deadlock=report --hang-timeout=1 -o trace -- "$SAMPLES/abba_deadlock" >run.out 2>run.err
status=$?
assert_eq "still hanging when timeout ended it" 124 "$status"
assert_file_has run.err "snag: DEADLOCK in process" "the deadlock report"
assert_file_has run.err "snag: HANG in process" "the hang report"
assert_file_has run.err "left hanging (--on-deadlock=report)" "the program left as it was"
