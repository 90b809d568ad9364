#!/bin/sh
# hot_lock exported: one named track per thread in one named process, one
# hold slice per acquisition of counter_lock and one wait slice per
# contended one (the report's figures), an arrow from the releasing thread
# to the waiter for each of those, everything valid Chrome trace JSON that
# nests as Perfetto wants it and lies within the trace.
here=$(cd "$(dirname "$0")" && pwd) || exit 1
. "$here/../integration/lib.sh"
. "$here/export_lib.sh"

snag_run_ok trace "$SAMPLES/hot_lock"
report_json trace report.json
export_chrome trace trace.json
check_export trace.json "$(jqr report.json .duration_ns)" summary.json

acquisitions=$(lock_field report.json counter_lock acquisitions) || exit 1
contended=$(lock_field report.json counter_lock contended) || exit 1
assert_eq "counter_lock acquisitions in the report" 200000 "$acquisitions"
assert_eq "hold slices of counter_lock" "$acquisitions" "$(count summary.json holds counter_lock)"
assert_eq "wait slices of counter_lock" "$contended" "$(count summary.json waits counter_lock)"
assert_eq "contended hold slices of counter_lock" "$contended" "$(count summary.json contended_holds counter_lock)"
# Every contended acquisition of hot_lock follows a release by the other worker.
assert_eq "arrows to contended acquisitions of counter_lock" "$contended" "$(count summary.json flows counter_lock)"
assert_eq "arrows vs contended holds with an earlier release by another thread" \
    "$(count summary.json expected_flows counter_lock)" "$(count summary.json flows counter_lock)"

# Tracks: each thread of the report named once, in its process, named after argv[0].
assert_eq "thread tracks (pid:tid)" \
    "$(jqr report.json '[.processes[] | .pid as $p | .threads[] | "\($p):\(.tid)"] | sort | join(",")')" \
    "$(jqr summary.json '[.threads[] | "\(.pid):\(.tid)"] | sort | join(",")')"
assert_eq "thread names" \
    "$(jqr report.json '[.processes[].threads[].name] | sort | join(",")')" \
    "$(jqr summary.json '[.threads[].name] | sort | join(",")')"
assert_eq "processes" "$(jqr report.json '[.processes[] | "\(.pid):\(.argv[0])"] | join(",")')" \
    "$(jqr summary.json '[.processes[] | "\(.pid):\(.name)"] | join(",")')"
assert_eq "process end" '["exit 0"]' "$(jqr summary.json '.exits | tojson')"

# Every slice of counter_lock carries its call site, id and type.
site=$(jqr trace.json '[.traceEvents[] | select(.name == "hold: counter_lock") | .args.site] | unique | join(",")') || exit 1
case $site in
"increment_shared_counter (hot_lock.c:"*")") ;;
*) fail "call sites of the counter_lock holds: expected increment_shared_counter (hot_lock.c:N), got '$site'" ;;
esac
assert_eq "lock ids of the counter_lock holds" "$(lock_field report.json counter_lock id)" \
    "$(jqr trace.json '[.traceEvents[] | select(.name == "hold: counter_lock") | .args.lock_id] | unique | join(",")')"
assert_eq "types of the counter_lock slices" mutex \
    "$(jqr trace.json '[.traceEvents[] | select(.name == "hold: counter_lock" or .name == "wait: counter_lock") | .args.type] | unique | join(",")')"
