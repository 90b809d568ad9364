#!/bin/sh
# The viewer's benchmark: on a synthetic trace of 10 million events (8
# threads locking 4 mutexes, one of them hot; gen_trace.c "bench"), how long
# `snag view` takes to open it (read and index), its peak memory against the
# trace's size, and how long a redraw after a key takes at 200x60.
#
#   tests/viewer/bench_viewer.sh [--quick] BUILD_DIR
#
# Goals: open <= 2 s, peak RSS <= 2x the trace, redraw <= 30 ms. They are
# printed as met or missed; the script fails only if the benchmark cannot
# run. --quick (what ctest runs, label "bench"): 1 million events.
set -u
events=10000000
if [ "${1:-}" = --quick ]; then
    events=1000000
    shift
fi
[ $# -eq 1 ] || { echo "usage: $0 [--quick] BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd) || exit 2
snag=$build/bin/snag
gen=$build/tests/viewer/viewer_gen_trace
[ -x "$snag" ] && [ -x "$gen" ] || { echo "bench_viewer: build $build first (snag, viewer_gen_trace)" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/snag-bench-viewer.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
"$gen" bench "$dir/trace" "$events" 8 1 || { echo "bench_viewer: gen_trace failed" >&2; exit 1; }
"$snag" view --bench --size 200x60 "$dir/trace" >"$dir/figures" || { echo "bench_viewer: snag view --bench failed" >&2; exit 1; }
cat "$dir/figures"

figure() { sed -n "s/^$1 //p" "$dir/figures"; }
for name in open_ms peak_rss_per_trace_byte redraw_after_key_ms_max; do
    [ -n "$(figure "$name")" ] || { echo "bench_viewer: no $name in the figures" >&2; exit 1; }
done
verdict()
{
    if awk -v value="$2" -v goal="$3" 'BEGIN { exit !(value <= goal) }'; then
        echo "goal $1 <= $3: met ($2)"
    else
        echo "goal $1 <= $3: MISSED ($2)"
    fi
}
verdict open_ms "$(figure open_ms)" 2000
verdict peak_rss_per_trace_byte "$(figure peak_rss_per_trace_byte)" 2
verdict redraw_after_key_ms_max "$(figure redraw_after_key_ms_max)" 30
