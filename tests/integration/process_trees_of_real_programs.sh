#!/bin/sh
# Real process trees under snag run: a python3 multiprocessing pool with the
# fork start method, xargs -P2 and a shell pipeline. Every process is in the
# trace with its parent and how it ended, and correct programs give no finding.
. "$(dirname "$0")/lib.sh"

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3) || skip "no python3"
cat > pool.py <<'PY'
import multiprocessing as mp
def square(n):
    return n * n
if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        print(sum(pool.map(square, range(100))))
PY
IT_RUN_TIMEOUT=120 snag_run_ok pool "$python" pool.py
assert_eq "pool output" 328350 "$(cat run.out)"
report_json pool pool.json
root=$(jqr pool.json '[.processes[] | select(.argv | index("pool.py"))] | first | .pid') || exit 1
workers=$(jqr pool.json "[.processes[] | select(.ppid == $root)] | length") || exit 1
assert_int -ge "processes forked by the pool's parent ($root)" "$workers" 2
unknown=$(jqr pool.json '[.processes[] | select(.exit == null and .threads != [])] | length') || exit 1
note "pool processes: $(jqr pool.json '.processes | length'), without a known end: $unknown"
assert_eq "findings on a correct multiprocessing pool" "[]" \
    "$(jqr pool.json '[.findings[] | select(.severity == "high")] | tojson')"

snag_run_ok xargs sh -c 'seq 1 6 | xargs -P2 -n1 sh -c "exit 0"; echo done'
assert_eq "xargs output" done "$(cat run.out)"
report_json xargs xargs.json
xargs_pid=$(jqr xargs.json '[.processes[] | select(.argv[0] == "xargs")][0].pid') || exit 1
children=$(jqr xargs.json "[.processes[] | select(.ppid == $xargs_pid and .exit.status == 0)] | length") || exit 1
assert_eq "xargs's six children, each with exit status 0" 6 "$children"

snag_run_ok pipe sh -c 'seq 1 1000 | sort -rn | head -n 1'
assert_eq "pipeline output" 1000 "$(cat run.out)"
report_json pipe pipe.json
for program in seq sort head; do
    assert_eq "$program in the pipeline's trace" 1 "$(jqr pipe.json "[.processes[] | select(.argv[0] == \"$program\")] | length")"
done
assert_eq "findings on xargs and the pipeline" 0 "$(jq -s '[.[].findings[]] | length' xargs.json pipe.json)"
