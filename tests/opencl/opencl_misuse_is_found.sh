#!/bin/sh
# opencl_misuse (5 iterations, each: build the same program, launch with an
# event it never releases, clFinish): the report's findings name the
# rebuilt program, the clFinish in the loop and the 5 leaked events.
. "$(dirname "$0")/opencl_lib.sh"

program=$OPENCL_PROGRAMS/opencl_misuse
opencl_require "$program"
snag_run_ok trace "$program" 5
report_json trace report.json
finding() { jqr report.json '.findings[] | select(.kind == "opencl" and .subkind == $s) | .occurrences' --arg s "$1"; }
assert_eq "program_rebuilt" 5 "$(finding program_rebuilt)"
assert_eq "finish_in_loop" 5 "$(finding finish_in_loop)"
assert_eq "event_leaked" 5 "$(finding event_leaked)"
message=$(jqr report.json '.findings[] | select(.subkind == "finish_in_loop") | .message')
case $message in *opencl_misuse.c:*) ;; *) fail "finish_in_loop names no call site: $message" ;; esac
"$SNAG" report trace >report.txt 2>&1 || fail "snag report (text) failed"
assert_file_has report.txt "opencl/event_leaked" "text report"
