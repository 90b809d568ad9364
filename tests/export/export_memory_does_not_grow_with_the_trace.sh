#!/bin/sh
# snag export streams: exporting hot_lock with 10 times the iterations (2 x
# 2,000,000 lock/unlock pairs, 8 million events, against 800,000) takes no
# more of the memory it allocates (peak RssAnon, sampled by peak_memory.py):
# less than one byte per added event, and under 64 MB. In an ASan build,
# add its shadow of the trace it reads (a byte per 8) and allow 512 MB.
here=$(cd "$(dirname "$0")" && pwd) || exit 1
. "$here/../integration/lib.sh"
. "$here/export_lib.sh"

limit_kb=65536 shadow=0
if ldd "$SNAG" 2>/dev/null | grep -q libasan; then limit_kb=524288 shadow=1; fi

# measure NAME ITERATIONS: records hot_lock (2 threads x ITERATIONS), exports
# it to /dev/null under peak_memory.py; figures in NAME.memory.json, the event
# count in NAME.report.json.
measure()
{
    IT_RUN_TIMEOUT=120 snag_run_ok "$1" "$SAMPLES/hot_lock" 2 "$2"
    report_json "$1" "$1.report.json"
    with_timeout 400 python3 "$here/peak_memory.py" "$SNAG" export --format=chrome "$1" -o /dev/null \
        >"$1.memory.json" 2>"$1.err" || fail "peak_memory.py failed: $(head -c 2000 "$1.err")"
    assert_eq "snag export $1: exit status" 0 "$(jqr "$1.memory.json" .status)"
    note "$1: $(jqr "$1.report.json" .events) events: peak RssAnon $(jqr "$1.memory.json" .anon_kb) kB," \
        "VmHWM $(jqr "$1.memory.json" .hwm_kb) kB (with the mapped trace), $(jqr "$1.memory.json" .seconds) s"
}

measure small 200000
measure big 2000000
small_events=$(jqr small.report.json .events)
big_events=$(jqr big.report.json .events)
assert_int -ge "events of the big trace vs 9 x the small one's" "$big_events" $((small_events * 9))
small_kb=$(jqr small.memory.json .anon_kb)
big_kb=$(jqr big.memory.json .anon_kb)
assert_int -gt "peak RssAnon of the small export (sampled)" "$small_kb" 0
allowed_kb=$(((big_events - small_events) / 1024))
[ "$shadow" -eq 0 ] || allowed_kb=$((allowed_kb + ($(du -sk big | cut -f1) - $(du -sk small | cut -f1)) / 8))
assert_int -lt "growth of peak RssAnon (kB) vs one byte per added event" $((big_kb - small_kb)) "$allowed_kb"
assert_int -lt "peak RssAnon (kB) of exporting $big_events events" "$big_kb" "$limit_kb"
