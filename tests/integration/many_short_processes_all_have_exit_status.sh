#!/bin/sh
# Every traced process image that ends has an exit status in the report, not
# only the one snag run started: 200 /bin/true run by a shell each show
# {"status":0}, and a child that exits 3 by returning from main shows
# {"status":3}.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace sh -c 'for i in $(seq 200); do /bin/true; done'
report_json trace report.json
without=$(jqr report.json '[.processes[] | select(.argv == ["/bin/true"] and .exit == null)] | length') || exit 1
statuses=$(jqr report.json '[.processes[] | select(.argv == ["/bin/true"]) | .exit | tojson] | unique | join(" ")') || exit 1
assert_eq "/bin/true images without an exit status (exits seen: $statuses)" 0 "$without"
assert_eq "exits of the /bin/true images" '{"status":0}' "$statuses"

# hot_lock with a bad argument returns 2 from main, as a grandchild of snag run.
snag_run child sh -c "'$SAMPLES/hot_lock' not-a-number; exit 0"
assert_run_status "snag run sh -c 'hot_lock not-a-number; exit 0'" 0
report_json child child.json
assert_eq "exit of hot_lock (main returned 2) run by a shell" '{"status":2}' \
    "$(jqr child.json '[.processes[] | select(.argv[0] | endswith("/hot_lock"))] | first | .exit | tojson')"
