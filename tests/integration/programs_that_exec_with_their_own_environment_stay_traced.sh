#!/bin/sh
# A program that execs with an environment of its own (env -i, execve with a
# fresh envp) stays traced: the shim puts snag's variables back, so the
# processes behind env -i appear in the trace with their exit statuses.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace sh -c 'env -i /bin/sh -c "ls / >/dev/null; exit 5"; echo after'
assert_eq "output" "after" "$(cat run.out)"
report_json trace report.json
# env's image is replaced by /bin/sh; that shell runs ls and exits 5.
shell=$(jqr report.json '[.processes[] | select(.argv[0] == "/bin/sh" and .argv[1] == "-c"
        and (.argv[2] | startswith("ls /")))] | map(.exit.status) | map(tostring) | join(",")') || exit 1
assert_eq "exit status of the shell started by env -i" "5" "$shell"
ls_images=$(jqr report.json '[.processes[] | select(.argv[0] == "ls")] | length') || exit 1
assert_eq "ls run by the shell behind env -i is traced" 1 "$ls_images"
