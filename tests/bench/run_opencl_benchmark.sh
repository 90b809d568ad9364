#!/usr/bin/env bash
# What snag costs an OpenCL program's host: clEnqueueNDRangeKernel with the
# event snag attaches and collects, against a native run of the same binary
# in the same session, as ratios (see tests/bench/README.md).
#
# usage: tests/bench/run_opencl_benchmark.sh [--quick] BUILD_DIR
#   --quick   a few hundred launches, one repetition: checks that the
#             figures are well-formed (ctest's opencl_bench_smoke)
#
# Output: a "BENCH name=opencl_enqueue ..." and a "BENCH name=opencl_launch
# ..." line (native ns, traced ns, ratio: the medians of the repetitions).
# Exits 77 without an OpenCL platform.
set -u -o pipefail
export LC_ALL=C
unset LD_PRELOAD SNAG_TRACE_DIR SNAG_CLOCK SNAG_TICK_HZ SNAG_TICK_ORIGIN SNAG_IMAGE_SEQ SNAG_LIBRARY

quick=0 build=
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    -*) sed -n '6,9p' "$0" >&2; exit 2 ;;
    *) build=$1 ;;
    esac
    shift
done
[ -n "$build" ] || { sed -n '6,9p' "$0" >&2; exit 2; }
build=$(cd "$build" && pwd) || exit 2
snag=$build/bin/snag
bench=$build/tests/bench/opencl_bench
[ -x "$bench" ] || { echo "run_opencl_benchmark.sh: $bench is missing: build with OpenCL first" >&2; exit 2; }
if [ $quick = 1 ]; then launches=400 reps=1; else launches=20000 reps=5; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/snag-opencl-bench.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
export POCL_CACHE_DIR=$work/pocl-cache

"$bench" 1 >/dev/null 2>"$work/probe.err"
status=$?
[ $status -ne 77 ] || { echo "run_opencl_benchmark.sh: skipped: $(cat "$work/probe.err")"; exit 77; }
[ $status -eq 0 ] || { echo "run_opencl_benchmark.sh: opencl_bench failed: $(cat "$work/probe.err")" >&2; exit 1; }

field() { sed -n "s/^$1=//p" "$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

native_enqueue=() native_total=() traced_enqueue=() traced_total=()
for rep in $(seq "$reps"); do
    "$bench" "$launches" >"$work/native.out" || exit 1
    rm -rf "$work/trace"
    "$snag" run -q -o "$work/trace" -- "$bench" "$launches" >"$work/traced.out" || exit 1
    native_enqueue+=("$(field enqueue_ns "$work/native.out")") native_total+=("$(field total_ns "$work/native.out")")
    traced_enqueue+=("$(field enqueue_ns "$work/traced.out")") traced_total+=("$(field total_ns "$work/traced.out")")
done
# The trace must hold every launch: a benchmark of a shim that records nothing proves nothing.
recorded=$("$snag" report --json "$work/trace" | jq '.opencl.kernels[] | select(.name == "nothing") | .launches')
expected=$((launches + 200)) # and the warm-up batch of 200
[ "$recorded" = "$expected" ] || { echo "run_opencl_benchmark.sh: the trace holds $recorded launches, expected $expected" >&2; exit 1; }

status=0
for figure in enqueue total; do
    eval "native=\$(median \"\${native_$figure[@]}\") traced=\$(median \"\${traced_$figure[@]}\")"
    ratio=$(awk -v n="$native" -v t="$traced" 'BEGIN { if (n > 0) printf "%.2f", t / n; else print "nan" }')
    name=opencl_enqueue; [ $figure = total ] && name=opencl_launch
    echo "BENCH name=$name native_ns=$native traced_ns=$traced ratio=$ratio launches=$launches reps=$reps"
    case $ratio in nan | '') echo "run_opencl_benchmark.sh: malformed figure for $name" >&2; status=1 ;; esac
done
exit $status
