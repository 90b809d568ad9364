#!/bin/sh
# Runs shim_semantics under snag and checks the trace saw what happened:
# the cancelled condvar wait, the joins, the forked children, the shells of
# system() and popen().
set -eu
snag=$1 program=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$snag" run -q -o "$work/trace" "$program"
"$snag" report --json "$work/trace" > "$work/report.json"
cond_cancelled=$(jq '[.locks[] | select(.type == "cond") | .failures] | add' "$work/report.json")
sem_failed=$(jq '[.locks[] | select(.type == "sem") | .failures] | add' "$work/report.json")
processes=$(jq '[.processes[] | select(.argv[0] != "sh")] | length' "$work/report.json")
shells=$(jq '[.processes[] | select(.argv[0] == "sh")] | length' "$work/report.json")
children=$(jq '[.processes[] | select(.exit.status >= 40 and .exit.status <= 42)] | length' "$work/report.json")
echo "cancelled condvar waits: $cond_cancelled; failed sem waits: $sem_failed; processes: $processes; children with their exit status: $children; shells: $shells"
# the condvar wait cancelled while blocked
[ "$cond_cancelled" -eq 1 ] || { echo "FAIL: expected exactly one cancelled condvar wait in the trace"; exit 1; }
# sem_timedwait's timeout, the sem_wait cancelled while blocked
[ "$sem_failed" -eq 2 ] || { echo "FAIL: expected a timed-out and a cancelled sem wait"; exit 1; }
[ "$processes" -eq 21 ] || { echo "FAIL: expected the program and its 20 forked children"; exit 1; }
[ "$children" -eq 20 ] || { echo "FAIL: the forked children's exit statuses are missing"; exit 1; }
# system("exit 7"), system(NULL), system("kill -TERM $$"), popen(...)
[ "$shells" -eq 4 ] || { echo "FAIL: expected the 4 shells of system() and popen(), found $shells"; exit 1; }
