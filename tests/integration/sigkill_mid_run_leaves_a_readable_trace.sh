#!/bin/sh
# A traced program killed with SIGKILL in the middle of its run (no exit
# hook, no destructor runs): snag run exits 137, and the trace it leaves is
# readable: the process ended by signal 9, with the acquisitions made so far.
. "$(dirname "$0")/lib.sh"

# 2 x 50,000,000 acquisitions: minutes of work, killed after ~0.5 s. Should
# this test be killed itself, the timeout and the trace size cap (far above
# what 0.5 s writes) bound what a stray hot_lock costs.
SNAG_MAX_SIZE_MB=1024 timeout 60 "$SNAG" run -q -o trace -- "$SAMPLES/hot_lock" 2 50000000 >run.out 2>run.err &
snag_pid=$!
it_cleanup_pid "$snag_pid"

# The program's pid: its trace file is named <pid>.snag.
program_pid=
tries=0
while [ -z "$program_pid" ]; do
    for file in trace/[0-9]*.snag; do
        [ -f "$file" ] || continue
        program_pid=$(basename "$file" .snag)
    done
    [ -n "$program_pid" ] && break
    tries=$((tries + 1))
    [ "$tries" -le 200 ] || fail "no <pid>.snag appeared in the trace directory within 10 s; stderr: $(cat run.err)"
    kill -0 "$snag_pid" 2>/dev/null || fail "snag run ended before the program wrote its trace file; stderr: $(cat run.err)"
    sleep 0.05
done
case $program_pid in *[!0-9]*) fail "unexpected trace file name: $program_pid.snag" ;; esac
it_cleanup_pid "$program_pid"
[ -r "/proc/$program_pid/cmdline" ] && tr '\0' ' ' <"/proc/$program_pid/cmdline" | grep -q hot_lock ||
    fail "process $program_pid (from the trace file name) is not the running hot_lock"

sleep 0.5
kill -KILL "$program_pid" || fail "cannot kill the traced program $program_pid"
wait "$snag_pid"
status=$?
it_cleanup_forget # both reaped: snag by us, the program by snag
[ "$status" -ne 124 ] || fail "snag run did not end within 60 s of its start, though its program was killed"
assert_eq "snag run exit status after SIGKILL of the program (stderr: $(head -c 1000 run.err))" 137 "$status"

report_json trace report.json
exit_json=$(jqr report.json '.processes[] | select(.pid == ($pid | tonumber)) | .exit | tojson' --arg pid "$program_pid") || exit 1
assert_eq "report: exit of the killed program" '{"signal":9}' "$exit_json"
acquisitions=$(lock_field report.json counter_lock acquisitions) || exit 1
assert_int -gt "counter_lock acquisitions before the kill" "$acquisitions" 0
assert_int -lt "counter_lock acquisitions before the kill (the run was cut short)" "$acquisitions" 100000000
note "counter_lock acquisitions recorded before SIGKILL: $acquisitions"

# The text report reads it too.
with_timeout 60 "$SNAG" report trace >report.txt 2>report.err
status=$?
assert_eq "snag report (text) on the killed run: exit status (stderr: $(head -c 1000 report.err))" 0 "$status"
assert_file_has report.txt counter_lock "text report of the killed run"
# Killed while its threads copied full staging chunks out dozens of times a
# second: no chunk is missing or damaged, so the reader has nothing to say.
[ ! -s report.err ] || fail "snag report warned about the killed run's trace: $(head -c 1000 report.err)"
