#!/bin/sh
# A grandchild killed by SIGKILL writes nothing about its end; its parent's
# waitpid saw it, and the report takes the status from there.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace sh -c 'sh -c "kill -KILL \$\$"; sh -c "exit 4"; exit 0'
report_json trace report.json
killed=$(jqr report.json '[.processes[] | select(.argv[2] == "kill -KILL $$") | .exit | tojson] | join(",")') || exit 1
assert_eq "the killed grandchild's exit" '{"signal":9}' "$killed"
exited=$(jqr report.json '[.processes[] | select(.argv[2] == "exit 4") | .exit | tojson] | join(",")') || exit 1
assert_eq "the other grandchild's exit" '{"status":4}' "$exited"
