#!/bin/sh
# snag view draws one lane per thread, labelled "TID NAME", under a line
# per process ("pid N ARGV"), processes in the trace's order and each
# process's threads right under it; the first lane is selected ('>').
. "$(dirname "$0")/viewer_lib.sh"

# Three processes: a shell running hot_lock twice (2 workers each).
snag_run_ok trace sh -c "\"$SAMPLES/hot_lock\" 2 2000 && \"$SAMPLES/hot_lock\" 2 2000"
report_json trace report.json
processes=$(jqr report.json '.processes | length')
threads=$(jqr report.json '[.processes[].threads[]] | length')
assert_int -ge "processes in the trace" "$processes" 2

view_dump screen.txt --size 120x50 trace
assert_file_has screen.txt "$threads threads" "title line"
# The timeline's rows, in order: "P pid" for a process, "T tid name" for a lane.
sed -n 's/^pid \([0-9][0-9]*\) .*/P \1/p; s/^[ >]\([0-9][0-9]*\) \([^ ]*\) .*/T \1 \2/p' screen.txt >rows.txt
jqr report.json '.processes[] | "P \(.pid)", (.threads[] | "T \(.tid) \(.name)")' >expected.txt
cmp -s rows.txt expected.txt || fail "timeline rows differ from the trace's processes and threads:
expected:
$(cat expected.txt)
shown:
$(cat rows.txt)
screen:
$(cat screen.txt)"
first_tid=$(jqr report.json '.processes[0].threads[0].tid')
selected_row screen.txt | grep -q "^>$first_tid " || fail "the first lane is not selected: $(selected_row screen.txt)"
# Every lane has state glyphs somewhere (it was alive).
grep '^[ >][0-9]' screen.txt | while read -r line; do
    case $line in *[-=#.^~:]*) ;; *) fail "a lane shows no state: $line" ;; esac
done
# The key bar is the last line; the process line names the program.
tail -n 1 screen.txt | grep -q '^q:quit ?:help' || fail "no key bar at the bottom: $(tail -n 1 screen.txt)"
grep -q "^pid [0-9]* .*hot_lock 2 2000" screen.txt || fail "no process line for hot_lock: $(cat screen.txt)"
