#!/bin/sh
# snag report's text output for hot_lock names the lock by its symbol and
# the call site by function, file and line (the line of the
# pthread_mutex_lock call in hot_lock.c).
. "$(dirname "$0")/lib.sh"

snag_run_ok trace "$SAMPLES/hot_lock"
with_timeout 60 "$SNAG" report trace >report.txt 2>report.err
status=$?
assert_eq "snag report trace: exit status (stderr: $(head -c 1000 report.err))" 0 "$status"
assert_file_has report.txt "counter_lock" "snag report text"
assert_file_has report.txt "increment_shared_counter (hot_lock.c:" "snag report text"

# The line in the text is the JSON's, and the source has the lock call there.
report_json trace report.json
site=$(jqr report.json '.locks[] | select(.["label"] == "counter_lock") | .sites[]
        | select(.function == "increment_shared_counter") | "\(.file)\t\(.line)"') || exit 1
file=$(printf '%s\n' "$site" | cut -f1)
line=$(printf '%s\n' "$site" | cut -f2)
assert_file_has report.txt "increment_shared_counter (hot_lock.c:$line)" "snag report text"
if [ -r "$file" ]; then
    sed -n "${line}p" "$file" | grep -qF 'pthread_mutex_lock(&counter_lock)' ||
        fail "$file:$line is not the pthread_mutex_lock(&counter_lock) call: $(sed -n "${line}p" "$file")"
fi
