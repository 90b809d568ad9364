#!/bin/sh
# snag run --no-follow traces the program's own process only, and the
# processes it starts see no trace of snag in their environment.
. "$(dirname "$0")/lib.sh"

with_timeout 60 "$SNAG" run -q --no-follow -o trace -- sh -c 'ls / >/dev/null; sh -c "exit 0"; printf "[%s]" "$LD_PRELOAD$SNAG_TRACE_DIR"' \
    >run.out 2>run.err || fail "snag run --no-follow failed: $(cat run.err)"
assert_eq "snag variables seen by the program" "[]" "$(cat run.out)"
report_json trace report.json
assert_eq "processes in the trace" 1 "$(jqr report.json '.processes | length')"
assert_eq "process files in the trace" 1 "$(ls trace | grep -c '^[0-9].*\.snag$')"
