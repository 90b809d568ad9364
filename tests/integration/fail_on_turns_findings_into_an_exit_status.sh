#!/bin/sh
# snag run --fail-on=KINDS exits 123 when the program succeeded but the trace
# has findings of those kinds, and otherwise keeps the program's status.
. "$(dirname "$0")/lib.sh"

with_timeout 60 "$SNAG" run -q --fail-on=fork_hazard -o forked -- "$SAMPLES/fork_while_locked" >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "a fork hazard with --fail-on=fork_hazard" 123
assert_file_has run.err "1 finding of a kind named in --fail-on" "the reason"

with_timeout 60 "$SNAG" run -q --fail-on=deadlock,lock_order_inversion -o forked2 -- "$SAMPLES/fork_while_locked" >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "no finding of the kinds named" 0

with_timeout 60 "$SNAG" run -q --fail-on=any -o failing -- sh -c 'exit 3' >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "the program's own failure comes first" 3

with_timeout 60 "$SNAG" run -q --fail-on=deadlocks -o bad -- true >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "an unknown kind is a usage error" 2
assert_file_has run.err "unknown finding kind 'deadlocks'" "the error"
