#!/bin/sh
# A shell running /bin/true 200 times under snag run: every one of the 200
# images is in the trace (plus the shell, and maybe the shell's forks before
# they exec), and the whole run stays quick.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace sh -c 'for i in $(seq 200); do /bin/true; done'
report_json trace report.json

processes=$(jqr report.json '.processes | length') || exit 1
trues=$(jqr report.json '[.processes[] | select(.argv == ["/bin/true"])] | length') || exit 1
distinct=$(jqr report.json '[.processes[] | select(.argv == ["/bin/true"]) | .pid] | unique | length') || exit 1
shells=$(jqr report.json '[.processes[] | select(.argv[0] == "sh")] | length') || exit 1
note "$processes process images: $trues /bin/true ($distinct pids), $shells sh"
assert_int -ge "process images in the trace" "$processes" 201
assert_eq "/bin/true images in the trace" 200 "$trues"
assert_int -ge "sh images in the trace" "$shells" 1
assert_eq "the shell's exit" '{"status":0}' \
    "$(jqr report.json '[.processes[] | select(.argv[0] == "sh" and .argv[1] == "-c")] | first | .exit | tojson')"
