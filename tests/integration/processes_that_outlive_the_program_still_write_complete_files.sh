#!/bin/sh
# A background process that outlives the program snag run started (the
# daemon pattern: the parent exits at once) keeps recording into the trace;
# once it ends, its file is complete: its locks and its exit status.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace sh -c "(sleep 0.5; '$SAMPLES/hot_lock' 2 1000 > /dev/null) & exit 0"
# the background hot_lock is still running: wait for its file to say it ended
waited=0
while [ $waited -lt 100 ]; do
    if "$SNAG" report --json trace > report.json 2>/dev/null &&
        [ "$(jq '[.processes[] | select(.argv[0] | endswith("hot_lock")) | .exit.status] | first' report.json)" = 0 ]; then
        break
    fi
    sleep 0.1
    waited=$((waited + 1))
done
report_json trace report.json
assert_eq "the background hot_lock's exit" '{"status":0}' \
    "$(jqr report.json '[.processes[] | select(.argv[0] | endswith("hot_lock"))][0].exit | tojson')"
assert_eq "its counter_lock acquisitions" 2000 "$(lock_field report.json counter_lock acquisitions)"
