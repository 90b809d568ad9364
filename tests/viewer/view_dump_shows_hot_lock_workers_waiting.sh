#!/bin/sh
# On hot_lock (4 workers on one mutex), the workers' lanes show '#' (waiting
# for a lock) where they wait: `w` puts the cursor on a worker's next
# blocking wait, zooming in around it shows the wait, and the state panel
# says what it waits for.
. "$(dirname "$0")/viewer_lib.sh"

snag_run_ok trace "$SAMPLES/hot_lock" 4 100000
report_json trace report.json
contended=$(lock_field report.json counter_lock contended)
[ "$contended" -gt 0 ] || skip "counter_lock was never contended in this run"

view_dump fit.txt --size 120x20 trace
waiting_lanes=0 lane=0
for main in $(jqr report.json '.processes[0].threads[].main'); do
    if [ "$main" = 0 ]; then
        # Its first blocking waits: the start barrier (for all but the last
        # to arrive), then counter_lock, if it ever had to wait for it.
        for waits in w ww www; do
            view_dump wait.txt --size 120x20 --lane "$lane" --keys "$waits++++++++++++++++++++++++" trace
            grep -q 'no later blocking wait' wait.txt && break
            grep -q ': waiting for a lock' wait.txt || continue
            row=$(selected_row wait.txt)
            case $row in
            *'#'*) waiting_lanes=$((waiting_lanes + 1)) ;;
            *) fail "lane $lane: the cursor is on a lock wait, yet no '#': $row
$(cat wait.txt)" ;;
            esac
            grep -q 'for counter_lock' wait.txt || fail "lane $lane: the panel does not name counter_lock: $(cat wait.txt)"
            break
        done
    fi
    lane=$((lane + 1))
done
assert_int -gt "worker lanes seen waiting (of 4; counter_lock contended $contended times)" "$waiting_lanes" 0
# The main thread joins: '.' on its lane at the fitted view.
main_tid=$(jqr report.json '.processes[0].threads[] | select(.main == 1) | .tid')
grep "^[ >]$main_tid " fit.txt | grep -q '\.\.\.' || fail "the main thread's lane shows no join wait: $(cat fit.txt)"
