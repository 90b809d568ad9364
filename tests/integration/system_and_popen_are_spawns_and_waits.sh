#!/bin/sh
# system() and popen()/pclose() start and reap their shell inside glibc,
# unseen by the fork/spawn/wait wrappers: their own wrappers record a spawn
# of the command (pid 0: not known), the wait for it and the status they
# returned, and the program's output and statuses are unchanged. The shells
# themselves are traced, children of the program.
. "$(dirname "$0")/lib.sh"

expected='system exit 3: exit 3
popen read: hello from popen
pclose: exit 0
system kill -9: signal 9'
assert_eq "output without snag" "$expected" "$(with_timeout 60 "$SAMPLES/shell_commands")"
snag_run_ok trace "$SAMPLES/shell_commands"
assert_eq "output under snag" "$expected" "$(cat run.out)"
report_json trace report.json

main='.processes[] | select(.argv[0] | endswith("shell_commands"))'
assert_eq "the program's process events" \
    'spawn:0:0:exit 3 wait:0:0: waited:0:768: spawn:0:0:echo hello from popen wait:0:0: waited:0:0: spawn:0:0:kill -9 $$ wait:0:0: waited:0:9:' \
    "$(jqr report.json "[$main | .process_events[] | \"\(.kind):\(.pid):\(.status):\(.path)\"] | join(\" \")")"
# in time order
jqr report.json "[$main | .process_events[].time_ns] | . == sort" | grep -qx true ||
    fail "process events out of time order: $(jq -c "$main | .process_events" report.json)"
pid=$(jqr report.json "$main | .pid") || exit 1
assert_eq "the shells, children of the program" 'exit 3,echo hello from popen,kill -9 $$' \
    "$(jqr report.json "[.processes[] | select(.ppid == $pid and .argv[0] == \"sh\") | .argv[2]] | join(\",\")")"
