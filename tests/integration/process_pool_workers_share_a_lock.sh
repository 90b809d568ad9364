#!/bin/sh
# process_pool forks 3 workers sharing a job queue through a process-shared
# mutex: each worker is in the trace under the parent, with exit status 0;
# the workers' acquisitions of the queue lock add up to 2 per job; the text
# report has a part per process; a correct program has no finding.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/process_pool" 3 60
assert_eq "output" "jobs=60 results=1770" "$(cat run.out)"
report_json trace report.json
parent=$(jqr report.json '.processes[0].pid') || exit 1
workers=$(jqr report.json "[.processes[] | select(.ppid == $parent and .exit.status == 0)] | length") || exit 1
assert_eq "workers forked by the pool's parent, each exiting 0" 3 "$workers"
acquisitions=$(jqr report.json "[.locks[] | select(.type == \"mutex\" and .pid != $parent) | .acquisitions] | add") || exit 1
assert_eq "queue lock acquisitions over all workers (2 per job)" 120 "$acquisitions"
assert_eq "findings" 0 "$(jqr report.json '.findings | length')"
with_timeout 60 "$SNAG" report trace > report.txt || fail "snag report failed"
parts=$(grep -Ec "^  process [0-9]+ \(" report.txt)
assert_int -ge "per-process parts in the lock table" "$parts" 3
