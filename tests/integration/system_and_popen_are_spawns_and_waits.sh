#!/bin/sh
# system() and popen()/pclose() start and reap their shell inside glibc,
# unseen by the fork/spawn/wait wrappers: their own wrappers record a spawn
# of the command (pid 0: not known to the shim), the wait for it and the
# status they returned, and the program's output and statuses are
# unchanged. The shells themselves are traced, children of the program;
# the reader ties each command to its shell, and system()'s status to it.
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
pid=$(jqr report.json "$main | .pid") || exit 1
# shell PID_OF_COMMAND: the pid of the traced shell that ran COMMAND.
shell()
{
    jqr report.json "[.processes[] | select(.ppid == $pid and .argv[0] == \"sh\" and .argv[2] == \"$1\")][0].pid"
}
exit3=$(shell 'exit 3') || exit 1
echo=$(shell 'echo hello from popen') || exit 1
kill9=$(shell 'kill -9 $$') || exit 1
# The shim records pid 0 (it cannot know the shell's pid); the reader finds
# each shell; pclose's wait stays pid 0 (nothing ties it to its popen).
assert_eq "the program's process events" \
    "spawn:$exit3:0:exit 3 wait:$exit3:0: waited:$exit3:768: spawn:$echo:0:echo hello from popen wait:0:0: waited:0:0: spawn:$kill9:0:kill -9 \$\$ wait:$kill9:0: waited:$kill9:9:" \
    "$(jqr report.json "[$main | .process_events[] | \"\(.kind):\(.pid):\(.status):\(.path)\"] | join(\" \")")"
# in time order
jqr report.json "[$main | .process_events[].time_ns] | . == sort" | grep -qx true ||
    fail "process events out of time order: $(jq -c "$main | .process_events" report.json)"
assert_eq "the shells' exits (the killed one from system()'s status)" '{"status":3} {"status":0} {"signal":9}' \
    "$(jqr report.json "[.processes[] | select(.pid == $exit3 or .pid == $echo or .pid == $kill9) | .exit | tojson] | join(\" \")")"
