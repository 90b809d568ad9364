#!/usr/bin/env bash
# What snag's shim costs, measured against a native run of the same binary in
# the same session, as ratios and differences (never as absolute pass/fail
# times: the machines are shared and noisy). See tests/bench/README.md.
#
# usage: tests/bench/run_benchmarks.sh [OPTIONS] BUILD_DIR
#   --quick           tiny iteration counts, one repetition, no perf/callgrind,
#                     a 4 MiB pigz input; checks that every figure is
#                     well-formed and exits non-zero otherwise (ctest's bench_smoke)
#   --reps N          repetitions of each micro-benchmark (default 7; median kept)
#   --pigz-reps N     repetitions of each pigz run (default 3; best kept)
#   --pigz-mb N       size of the generated pigz input in MiB (default 200)
#   --trace-dir DIR   where traces are written (default: $SNAG_BENCH_TRACE_DIR,
#                     else the current directory): the filesystem under test
#   --shm-dir DIR     the tmpfs for the second figure (default /dev/shm)
#   --no-pigz, --no-perf, --no-callgrind   leave that part out
#
# Output: a table on stdout, one "BENCH name=... key=value ..." line per
# figure, and "GOAL ..." lines; progress goes to stderr.
set -u -o pipefail
export LC_ALL=C
# Native runs must be native, even when this script itself runs under snag.
unset LD_PRELOAD SNAG_TRACE_DIR SNAG_CLOCK SNAG_TICK_HZ SNAG_TICK_ORIGIN SNAG_IMAGE_SEQ SNAG_LIBRARY

usage() { sed -n '5,19p' "$0" | sed 's/^# \{0,1\}//'; }

quick=0 reps= pigz_reps= pigz_mb= trace_root=${SNAG_BENCH_TRACE_DIR:-} shm_root=/dev/shm
do_pigz=1 do_perf=1 do_callgrind=1 build=
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --reps) reps=${2:?}; shift ;;
    --pigz-reps) pigz_reps=${2:?}; shift ;;
    --pigz-mb) pigz_mb=${2:?}; shift ;;
    --trace-dir) trace_root=${2:?}; shift ;;
    --shm-dir) shm_root=${2:?}; shift ;;
    --no-pigz) do_pigz=0 ;;
    --no-perf) do_perf=0 ;;
    --no-callgrind) do_callgrind=0 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "run_benchmarks.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$build" ] || { usage >&2; exit 2; }; build=$1 ;;
    esac
    shift
done
[ -n "$build" ] || { usage >&2; exit 2; }
build=$(cd "$build" && pwd) || exit 2

if [ $quick = 1 ]; then
    : "${reps:=1}" "${pigz_reps:=1}" "${pigz_mb:=4}"
    do_perf=0 do_callgrind=0
    # iterations: pairs (contended: pairs per thread; condvar: round trips)
    n_mutex=20000 n_contended=20000 n_condvar=300 n_semturn=300 n_sem=20000 n_rwlock=20000 n_fork=20 n_nested=20000 n_handoff=200 n_threads=20
else
    : "${reps:=7}" "${pigz_reps:=3}" "${pigz_mb:=200}"
    n_mutex=5000000 n_contended=1000000 n_condvar=20000 n_semturn=20000 n_sem=5000000 n_rwlock=5000000 n_fork=1000
    n_nested=2000000 n_handoff=20000 n_threads=2000
fi
for value in "$reps" "$pigz_reps" "$pigz_mb"; do
    case $value in '' | *[!0-9]* | 0) echo "run_benchmarks.sh: counts must be positive integers" >&2; exit 2 ;; esac
done

snag=$build/bin/snag
shim=$build/lib/libsnag.so
bench=$build/tests/bench/snag_bench
gentext=$build/tests/bench/bench_gentext
for file in "$snag" "$shim" "$bench" "$gentext"; do
    [ -e "$file" ] || { echo "run_benchmarks.sh: $file is missing: build first (cmake --build $build)" >&2; exit 2; }
done

trace_root=$(cd "${trace_root:-$PWD}" && pwd) || { echo "run_benchmarks.sh: no such trace directory" >&2; exit 2; }
work=$(mktemp -d "$trace_root/snag-bench.XXXXXX") || { echo "run_benchmarks.sh: cannot write in $trace_root" >&2; exit 2; }
cleanup() { rm -rf "$work" ${shm_work:+"$shm_work"}; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
shm_work=
if [ -d "$shm_root" ] && [ -w "$shm_root" ]; then
    shm_work=$(mktemp -d "$shm_root/snag-bench.XXXXXX") || shm_work=
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
failures=0
bench_lines=()
note() { printf '%s\n' "$*" >&2; }
fail() { note "run_benchmarks.sh: FAILED: $*"; failures=$((failures + 1)); }
# Arithmetic on decimals: calc EXPRESSION (awk syntax) prints the value with 6 decimals
# (or nan); fmt VALUE DECIMALS rounds it for display ("-" when there is none).
calc() { awk "BEGIN { v = $1; if (v != v) print \"nan\"; else printf \"%.6f\\n\", v }"; }
fmt() { awk -v v="$1" -v p="${2:-1}" 'BEGIN { if (v == "" || v == "nan" || v == "-") print "-"; else printf "%.*f\n", p, v }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.6f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
best() { printf '%s\n' "$@" | sort -g | head -n 1; }
# (max - min) / min, in percent: how much the repetitions of one side disagree.
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f\n", (lo > 0 ? (hi - lo) / lo * 100 : 0) }'; }
emit() { bench_lines+=("$*"); }
fs_type() { stat -f -c %T "$1" 2>/dev/null || echo unknown; }

# Bytes of every file in a trace directory, and its events per `snag report --json`.
trace_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
# (Run in $(...): it cannot count failures itself; the caller does.)
# trace_events TRACE_DIR: the trace's event count, from `snag report --json`,
# into $trace_events_count; on failure $report_status is the report's status.
# Not run in $(...): the status would stay in the subshell.
trace_events() {
    local json rest
    trace_events_count=
    json=$("$snag" report --json "$1" 2>"$work/report.err") || { report_status=$?; return 1; }
    # the top-level "events" comes before the per-thread ones. No grep | head
    # here: under pipefail, head leaving early kills grep with SIGPIPE on a
    # big report (the fork_exec trace's 2000 processes) and fails the call.
    rest=${json#*\"events\":}
    [ "$rest" != "$json" ] || { report_status="ok, but no \"events\" in its JSON"; return 1; }
    trace_events_count=${rest%%[!0-9]*}
}
# Keeps the trace (outside the work directory, which goes at exit) so that
# the failure can be looked at afterwards.
report_failed() {
    local kept=$trace_root/failed-report.$(basename "$1").$$
    mv "$1" "$kept" 2>/dev/null || kept="(not kept)"
    fail "snag report --json $1 failed with status ${report_status:-?}: $(head -c 300 "$work/report.err" | tr '\n' ' ')" \
        "(trace kept in $kept)"
}

# ---- the micro-benchmarks ----

rows=()  # table rows: label|unit|native|traced|added|ratio|bytes/event

# micro NAME LABEL MODE ITERATIONS TRACE_BASE MIN_EVENTS
# Runs snag_bench natively and under the shim REPS times, alternating which goes
# first; keeps the median ns/op of each, the trace size and events of the first
# traced run.
micro() {
    local name=$1 label=$2 mode=$3 iterations=$4 base=$5 min_events=$6
    local natives=() traceds=() rep out value bytes= events= first dir
    note "  $label: $mode x $iterations, $reps rep(s), traces in $base"
    for rep in $(seq 1 "$reps"); do
        for first in native traced; do
            if [ $((rep % 2)) = 0 ]; then first=$([ $first = native ] && echo traced || echo native); fi
            if [ $first = native ]; then
                out=$("$bench" "$mode" "$iterations") || { fail "$name: native snag_bench $mode exited $?"; return; }
                value=${out##*ns_per_op=}
                natives+=("$value")
            else
                dir=$base/$name.$rep
                rm -rf "$dir" && mkdir "$dir" || { fail "$name: cannot create $dir"; return; }
                out=$(env LD_PRELOAD="$shim" SNAG_TRACE_DIR="$dir" "$bench" "$mode" "$iterations") ||
                    { fail "$name: traced snag_bench $mode exited $?"; return; }
                value=${out##*ns_per_op=}
                traceds+=("$value")
                if [ -z "$events" ]; then
                    bytes=$(trace_bytes "$dir")
                    trace_events "$dir" || { report_failed "$dir"; return; }
                    events=$trace_events_count
                    if [ -z "$events" ] || [ "$events" -lt "$min_events" ]; then
                        fail "$name: the trace holds ${events:-no} events, expected at least $min_events: is the shim recording?"
                        return
                    fi
                fi
                rm -rf "$dir"
            fi
        done
    done
    local native traced added ratio per_event
    native=$(median "${natives[@]}")
    traced=$(median "${traceds[@]}")
    added=$(calc "$traced - $native")
    ratio=$(calc "$traced / $native")
    per_event=0 # no events (the process benchmarks): no per-event figure
    [ "${events:-0}" -gt 0 ] && per_event=$(calc "$bytes / $events")
    emit "BENCH name=$name unit=ns/op native_ns=$(fmt "$native" 2) traced_ns=$(fmt "$traced" 2) added_ns=$(fmt "$added" 2)" \
        "ratio=$(fmt "$ratio" 3) native_best_ns=$(fmt "$(best "${natives[@]}")" 2) traced_best_ns=$(fmt "$(best "${traceds[@]}")" 2)" \
        "native_spread_pct=$(spread "${natives[@]}") traced_spread_pct=$(spread "${traceds[@]}")" \
        "reps=$reps iterations=$iterations events=$events trace_bytes=$bytes bytes_per_event=$(fmt "$per_event" 3)" \
        "trace_fs=$(fs_type "$base")"
    rows+=("$label|$4|$(fmt "$native" 1)|$(fmt "$traced" 1)|$(fmt "$added" 1)|$(fmt "$ratio" 2)|$(fmt "$per_event" 2)")
    eval "result_${name}_added=\$added result_${name}_ratio=\$ratio result_${name}_bpe=\$per_event"
}

note "snag benchmarks: build $build, traces under $trace_root ($(fs_type "$trace_root"))$([ $quick = 1 ] && echo ', QUICK mode')"
note "micro-benchmarks (ns per operation, median of $reps):"
# minimum events: two per pair (lock and unlock), warm-up included
warm() { local w=$(($1 / 10)); [ $w -gt 100000 ] && w=100000; echo $w; }
micro uncontended_pair "mutex lock+unlock, 1 thread" mutex $n_mutex "$work" $((2 * (n_mutex + $(warm $n_mutex))))
if [ -n "$shm_work" ]; then
    micro uncontended_pair_shm "same, trace on tmpfs" mutex $n_mutex "$shm_work" $((2 * (n_mutex + $(warm $n_mutex))))
else
    emit "BENCH name=uncontended_pair_shm status=skipped reason=no-writable-$shm_root"
    note "  skipped: $shm_root is not a writable directory"
fi
# The clock alone (native): a traced pair reads it twice, so on this machine
# the pair cannot cost less than twice this more than natively.
clock_reads=()
for rep in $(seq 1 "$reps"); do
    out=$("$bench" clock "$n_mutex") || { fail "clock_read: snag_bench clock exited $?"; break; }
    clock_reads+=("${out##*ns_per_op=}")
done
if [ ${#clock_reads[@]} -gt 0 ]; then
    result_clock_read=$(median "${clock_reads[@]}")
    emit "BENCH name=clock_read unit=ns/read native_ns=$(fmt "$result_clock_read" 2)" \
        "native_best_ns=$(fmt "$(best "${clock_reads[@]}")" 2) native_spread_pct=$(spread "${clock_reads[@]}") reps=$reps"
    rows+=("one read of the shim's clock (TSC)|$n_mutex|$(fmt "$result_clock_read" 1)|-|-|-|-")
fi
micro contended_pair "mutex, 2 threads contending" contended $n_contended "$work" \
    $((2 * (2 * n_contended + $(warm $n_contended))))
# Every acquisition blocks: the shim captures a stack at each (libunwind).
micro contended_handoff "mutex hand-off, every lock blocks" handoff $n_handoff "$work" $((2 * n_handoff))
micro condvar_roundtrip "condvar ping-pong round trip" condvar $n_condvar "$work" $((2 * n_condvar))
# Each wait is a cycle through a semaphore (Python's Condition): the deadlock
# detector looks whether every thread is blocked, without pausing.
micro semturn_roundtrip "Python-Condition-style sem ping-pong round trip" semturn $n_semturn "$work" $((2 * n_semturn))
micro sem_pair "sem_wait+sem_post, 1 thread" sem $n_sem "$work" $((2 * (n_sem + $(warm $n_sem))))
micro rwlock_rdpair "rwlock rdlock+unlock, 1 thread" rwlock $n_rwlock "$work" $((2 * (n_rwlock + $(warm $n_rwlock))))
micro nested_pair "2 mutexes nested in one order, 1 thread" nested $n_nested "$work" \
    $((4 * (n_nested + $(warm $n_nested))))
# A thread per task: each starts, takes a lock once and ends (a stack is
# captured at each create; its first acquisition's stack only once).
micro thread_churn "thread create + 1 lock + join" threads $n_threads "$work" $((2 * n_threads))
# Processes record no lock events: the trace files (one per child) are the check.
micro fork_exit "fork + exit + waitpid round trip" fork_exit $n_fork "$work" 0
micro fork_exec "fork + exec /bin/true + waitpid" fork_exec $n_fork "$work" 0

# ---- snag report on nested locking: the offline analyses stay linear ----
# Traces of the nested benchmark with N and 2N pairs; `snag report --json`
# (which runs every findings analysis, the lock-order graph included) timed
# on each, best of 3. A linear analysis takes about twice as long on the
# second: ratio_2x is that factor.
report_seconds() { # TRACE_DIR: the best of 3 report times, in seconds, into $report_seconds_best
    local times=() run start
    for run in 1 2 3; do
        start=$(date +%s.%N)
        "$snag" report --json "$1" >/dev/null 2>"$work/report.err" || { report_status=$?; return 1; }
        times+=("$(calc "$(date +%s.%N) - $start")")
    done
    report_seconds_best=$(best "${times[@]}")
}
report_nested() {
    local pairs seconds=() dir value
    note "  snag report on nested locking: traces of $n_nested and $((2 * n_nested)) nested pairs"
    for pairs in $n_nested $((2 * n_nested)); do
        dir=$work/report_nested.$pairs
        rm -rf "$dir" && mkdir "$dir" || { fail "report_nested: cannot create $dir"; return; }
        env LD_PRELOAD="$shim" SNAG_TRACE_DIR="$dir" "$bench" nested "$pairs" >/dev/null ||
            { fail "report_nested: traced snag_bench nested exited $?"; return; }
        report_seconds "$dir" || { report_failed "$dir"; return; }
        value=$report_seconds_best
        seconds+=("$value")
        rm -rf "$dir"
    done
    emit "BENCH name=report_nested unit=s pairs=$n_nested seconds=$(fmt "${seconds[0]}" 3)" \
        "seconds_2x=$(fmt "${seconds[1]}" 3) ratio_2x=$(fmt "$(calc "${seconds[1]} / ${seconds[0]}")" 3)"
}
report_nested

# ---- instruction counts: stable where wall time is not ----
# Instructions per uncontended pair = (count(N2) - count(N1)) / (N2 - N1):
# start-up, the shim's set-up and the warm-up cancel out.
instr_rows=()
instructions_per_pair() {  # TOOL LABEL COUNTER(cmd... -> prints a count)
    local tool=$1 label=$2 counter=$3 n1=$4 n2=$5 native1 native2 traced1 traced2 dir=$work/instr
    native1=$($counter native "$n1") && native2=$($counter native "$n2") &&
        traced1=$($counter "$dir.1" "$n1") && traced2=$($counter "$dir.2" "$n2") || {
        note "  $tool: a run failed; skipped"
        emit "BENCH name=instructions_per_pair tool=$tool status=skipped reason=run-failed"
        return
    }
    rm -rf "$dir" "$dir.1" "$dir.2"
    local native traced
    native=$(calc "($native2 - $native1) / ($n2 - $n1)")
    traced=$(calc "($traced2 - $traced1) / ($n2 - $n1)")
    emit "BENCH name=instructions_per_pair tool=$tool unit=instructions/pair native=$(fmt "$native" 1)" \
        "traced=$(fmt "$traced" 1) added=$(fmt "$(calc "$traced - $native")" 1) ratio=$(fmt "$(calc "$traced / $native")" 3)" \
        "n1=$n1 n2=$n2"
    instr_rows+=("$label|$(fmt "$native" 1)|$(fmt "$traced" 1)|$(fmt "$(calc "$traced - $native")" 1)|$(fmt "$(calc "$traced / $native")" 2)")
}
# counters: WHERE ("native" or a trace directory to create) ITERATIONS -> count
run_maybe_traced() {  # WHERE CMD...: runs CMD, under the shim unless WHERE is "native"
    local where=$1; shift
    if [ "$where" = native ]; then "$@"
    else rm -rf "$where" && mkdir "$where" && env LD_PRELOAD="$shim" SNAG_TRACE_DIR="$where" "$@"
    fi
}
perf_count() {
    # `env` in front of both so the shim never loads into perf itself; its
    # constant cost cancels in the difference.
    local where=$1 out=$work/perf.out
    if [ "$where" = native ]; then
        perf stat -x, -e instructions:u -o "$out" -- env "$bench" mutex "$2" 0 >/dev/null 2>&1 || return 1
    else
        rm -rf "$where" && mkdir "$where" || return 1
        perf stat -x, -e instructions:u -o "$out" -- env LD_PRELOAD="$shim" SNAG_TRACE_DIR="$where" \
            "$bench" mutex "$2" 0 >/dev/null 2>&1 || return 1
    fi
    awk -F, '$3 ~ /^instructions/ && $1 ~ /^[0-9]+$/ { print $1; found = 1 } END { exit !found }' "$out"
}
callgrind_count() {
    local where=$1 out=$work/callgrind.out
    # The shim also loads into valgrind's launcher (a separate trace file);
    # only the client's instructions are counted.
    run_maybe_traced "$where" valgrind --tool=callgrind --callgrind-out-file="$out" \
        "$bench" mutex "$2" 0 >/dev/null 2>&1 || return 1
    awk '$1 == "totals:" { print $2; found = 1 } END { exit !found }' "$out"
}

note "instruction counts per uncontended pair:"
if [ $do_perf = 1 ]; then
    if ! command -v perf >/dev/null; then
        note "  perf: not installed; skipped"
        emit "BENCH name=instructions_per_pair tool=perf status=skipped reason=perf-not-installed"
    elif ! probe=$(perf stat -x, -e instructions:u -- true 2>&1 >/dev/null) ||
        ! printf '%s\n' "$probe" | grep -q '^[0-9][0-9]*,'; then
        note "  perf: the instructions counter is not usable here ($(printf '%s' "$probe" | tr '\n' ' ' | cut -c1-100)); skipped"
        emit "BENCH name=instructions_per_pair tool=perf status=skipped reason=counter-not-supported"
    else
        instructions_per_pair perf "perf stat, user-space" perf_count 1000000 3000000
    fi
fi
if [ $do_callgrind = 1 ]; then
    if command -v valgrind >/dev/null && valgrind --tool=callgrind --callgrind-out-file=/dev/null true >/dev/null 2>&1; then
        instructions_per_pair callgrind "valgrind --tool=callgrind" callgrind_count 100000 300000
    else
        note "  callgrind: valgrind is not installed or does not run; skipped"
        emit "BENCH name=instructions_per_pair tool=callgrind status=skipped reason=valgrind-not-usable"
    fi
fi
[ $do_perf = 0 ] && [ $do_callgrind = 0 ] && note "  skipped (--quick or --no-perf --no-callgrind)"

# ---- pigz: a real program, wall time ----
pigz_rows=()
if [ $do_pigz = 1 ] && command -v pigz >/dev/null; then
    input=$build/tests/bench/pigz_input_${pigz_mb}MiB.txt
    size=$((pigz_mb * 1048576))
    if [ "$(stat -c %s "$input" 2>/dev/null)" != "$size" ]; then
        note "generating $input ($pigz_mb MiB, cached for later runs)"
        "$gentext" "$size" "$input.tmp.$$" && mv "$input.tmp.$$" "$input" || { rm -f "$input.tmp.$$"; fail "bench_gentext"; }
    fi
    if [ -s "$input" ]; then
        cat "$input" >/dev/null  # into the page cache, for both sides alike
        note "pigz -p 2 -c on $pigz_mb MiB, best of $pigz_reps:"
        natives=() traceds=() native_cpus=() traced_cpus=() pigz_events= pigz_bytes=
        # timed CMD...: runs CMD (stdout to /dev/null), prints "wall user sys" in seconds.
        timed() {
            local TIMEFORMAT='%3R %3U %3S'
            { time "$@" >/dev/null 2>"$work/pigz.err"; } 2>&1
        }
        for rep in $(seq 1 "$pigz_reps"); do
            for first in native traced; do
                if [ $((rep % 2)) = 0 ]; then first=$([ $first = native ] && echo traced || echo native); fi
                if [ $first = native ]; then
                    times=$(timed pigz -p 2 -c "$input") || { fail "native pigz exited $?: $(head -c 300 "$work/pigz.err")"; break 2; }
                    read -r wall user system <<<"$times"
                    natives+=("$wall") native_cpus+=("$(calc "$user + $system")")
                else
                    dir=$work/pigz.$rep
                    rm -rf "$dir" "$dir.old"
                    times=$(timed "$snag" run -q -o "$dir" pigz -p 2 -c "$input") ||
                        { fail "snag run pigz exited $?: $(head -c 300 "$work/pigz.err")"; break 2; }
                    read -r wall user system <<<"$times"
                    traceds+=("$wall") traced_cpus+=("$(calc "$user + $system")")
                    if [ -z "$pigz_events" ]; then
                        pigz_bytes=$(trace_bytes "$dir")
                        trace_events "$dir" || { report_failed "$dir"; break 2; }
                        pigz_events=$trace_events_count
                        [ "${pigz_events:-0}" -gt 0 ] || { fail "the pigz trace holds no events"; break 2; }
                    fi
                    rm -rf "$dir"
                fi
                note "  rep $rep $first: wall $wall s, cpu (user+sys) $(fmt "$(calc "$user + $system")" 3) s"
            done
        done
        if [ ${#natives[@]} = "$pigz_reps" ] && [ ${#traceds[@]} = "$pigz_reps" ]; then
            native=$(best "${natives[@]}") traced=$(best "${traceds[@]}")
            native_cpu=$(best "${native_cpus[@]}") traced_cpu=$(best "${traced_cpus[@]}")
            result_pigz_ratio=$(calc "$traced / $native")
            result_pigz_cpu_ratio=$(calc "$traced_cpu / $native_cpu")
            pigz_noise=$(printf '%s\n' "$(spread "${natives[@]}")" "$(spread "${traceds[@]}")" | sort -g | tail -n 1)
            pigz_bpe=$(calc "$pigz_bytes / $pigz_events")
            emit "BENCH name=pigz_wall unit=s native_s=$(fmt "$native" 3) traced_s=$(fmt "$traced" 3)" \
                "added_s=$(fmt "$(calc "$traced - $native")" 3) ratio=$(fmt "$result_pigz_ratio" 4)" \
                "native_median_s=$(fmt "$(median "${natives[@]}")" 3) traced_median_s=$(fmt "$(median "${traceds[@]}")" 3)" \
                "native_spread_pct=$(spread "${natives[@]}") traced_spread_pct=$(spread "${traceds[@]}")" \
                "native_cpu_s=$(fmt "$native_cpu" 3) traced_cpu_s=$(fmt "$traced_cpu" 3) cpu_ratio=$(fmt "$result_pigz_cpu_ratio" 4)" \
                "reps=$pigz_reps input_mib=$pigz_mb events=$pigz_events trace_bytes=$pigz_bytes" \
                "bytes_per_event=$(fmt "$pigz_bpe" 2) trace_fs=$(fs_type "$work")"
            pigz_rows=("wall time (best of $pigz_reps)|${pigz_mb} MiB|$(fmt "$native" 3)|$(fmt "$traced" 3)|$(fmt "$(calc "$traced - $native")" 3)|$(fmt "$result_pigz_ratio" 3)|$(fmt "$pigz_bpe" 1)"
                "cpu time, user+sys (best of $pigz_reps)|${pigz_mb} MiB|$(fmt "$native_cpu" 3)|$(fmt "$traced_cpu" 3)|$(fmt "$(calc "$traced_cpu - $native_cpu")" 3)|$(fmt "$result_pigz_cpu_ratio" 3)|")
        fi
    fi
else
    reason=$([ $do_pigz = 0 ] && echo not-requested || echo pigz-not-installed)
    note "pigz: skipped ($reason)"
    emit "BENCH name=pigz_wall status=skipped reason=$reason"
fi

# ---- the table ----
# The sources the build was configured from (not necessarily this script's checkout).
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt" 2>/dev/null)
if commit=$(git -C "$source_dir" rev-parse --short HEAD 2>/dev/null); then
    [ -n "$(git -C "$source_dir" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit+uncommitted"
    commit="$commit in $source_dir"
else
    commit="${source_dir:-unknown} (not a git checkout)"
fi
echo "snag benchmarks$([ $quick = 1 ] && echo ' (QUICK MODE: figures are not meaningful)')"
echo "  source $commit; $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)); kernel $(uname -r)"
echo "  traces on $trace_root ($(fs_type "$trace_root"))$([ -n "$shm_work" ] && echo ", and $shm_root ($(fs_type "$shm_root")) for the tmpfs row")"
echo "  micro: median of $reps runs each side, runs alternating; pigz: best of $pigz_reps"
echo "  load average (1/5/15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo
printf '%-34s %10s %10s %10s %10s %8s %9s\n' "figure" "ops/run" "native" "traced" "added" "ratio" "B/event"
printf '%-34s %10s %10s %10s %10s %8s %9s\n' "(ns per operation)" "" "ns/op" "ns/op" "ns/op" "" ""
for row in "${rows[@]}"; do
    IFS='|' read -r label count native traced added ratio per_event <<<"$row"
    printf '%-34s %10s %10s %10s %10s %8s %9s\n' "$label" "$count" "$native" "$traced" "$added" "$ratio" "$per_event"
done
if [ -n "${result_uncontended_pair_shm_added:-}" ] && [ -n "${result_uncontended_pair_added:-}" ]; then
    echo "  trace on $(fs_type "$trace_root") minus trace on tmpfs, added ns per pair: $(fmt "$(calc "$result_uncontended_pair_added - $result_uncontended_pair_shm_added")" 1)" \
        "(the page-cache/disk share; the tmpfs row is closer to the CPU cost)"
fi
if [ ${#pigz_rows[@]} -gt 0 ]; then
    echo
    printf '%-34s %10s %10s %10s %10s %8s %9s\n' "pigz -p 2 -c, seconds" "input" "native" "traced" "added" "ratio" "B/event"
    for row in "${pigz_rows[@]}"; do
        IFS='|' read -r label count native traced added ratio per_event <<<"$row"
        printf '%-34s %10s %10s %10s %10s %8s %9s\n' "$label" "$count" "$native" "$traced" "$added" "$ratio" "$per_event"
    done
fi
if [ ${#instr_rows[@]} -gt 0 ]; then
    echo
    printf '%-34s %10s %10s %10s %8s\n' "instructions per uncontended pair" "native" "traced" "added" "ratio"
    for row in "${instr_rows[@]}"; do
        IFS='|' read -r label native traced added ratio <<<"$row"
        printf '%-34s %10s %10s %10s %8s\n' "$label" "$native" "$traced" "$added" "$ratio"
    done
fi
echo
printf '%s\n' "${bench_lines[@]}"

# ---- the goals ----
judge() {  # NAME VALUE OP TARGET
    if [ $quick = 1 ]; then echo "NOT_JUDGED"
    elif [ -z "$2" ] || [ "$2" = nan ]; then echo "NOT_MEASURED"
    else awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "MET" : "NOT_MET" }'
    fi
}
echo
echo "goals$([ $quick = 1 ] && echo ' (quick mode: not judged)'):"
g1=${result_uncontended_pair_added:-} g2=${result_pigz_ratio:-} g3=${result_uncontended_pair_bpe:-}
s1=$(judge added "$g1" '<=' 30) s2=$(judge pigz "$g2" '<=' 1.02) s3=$(judge bpe "$g3" '<=' 16)
# Runs of one side that disagree by more than 5% (2.5 times the 2% margin)
# cannot settle a 2% question either way.
if [ "$s2" = MET ] || [ "$s2" = NOT_MET ]; then
    awk -v n="${pigz_noise:-0}" 'BEGIN { exit !(n > 5) }' && s2=INCONCLUSIVE
fi
printf '  %-58s %-12s %s\n' "added ns per uncontended lock+unlock pair <= 30" "$(fmt "$g1" 1) ns" "$s1"
# What the pair adds beyond its two timestamps: the goal of 30 ns was set where
# a TSC read costs 11 ns, leaving 8 ns for everything else. Shown so that a
# machine with a slower clock says which part missed.
if [ -n "$g1" ] && [ -n "${result_clock_read:-}" ]; then
    g4=$(calc "$g1 - 2 * $result_clock_read")
    s4=$(judge beyond "$g4" '<=' 8)
    printf '  %-58s %-12s %s\n' "  of which beyond its 2 clock reads ($(fmt "$result_clock_read" 1) ns each here) <= 8" \
        "$(fmt "$g4" 1) ns" "$s4"
fi
printf '  %-58s %-12s %s\n' "pigz -p 2 wall-time ratio traced/native <= 1.02" "$(fmt "$g2" 4)" "$s2"
if [ -n "${pigz_noise:-}" ] && awk -v n="$pigz_noise" 'BEGIN { exit !(n > 2) }'; then
    echo "    (the runs of one side disagree by up to $pigz_noise%: the machine was busy; cpu-time ratio" \
        "$(fmt "$result_pigz_cpu_ratio" 4); rerun on a quiet machine or with --pigz-reps 5+)"
fi
printf '  %-58s %-12s %s\n' "trace bytes per event (uncontended trace, all files) <= 16" "$(fmt "$g3" 3) B" "$s3"
echo "GOAL name=added_ns_per_pair target=30 value=$(fmt "$g1" 2) status=$s1"
[ -n "${g4:-}" ] && echo "GOAL name=added_ns_per_pair_beyond_clock target=8 value=$(fmt "$g4" 2) status=$s4 clock_read_ns=$(fmt "$result_clock_read" 2)"
echo "GOAL name=pigz_wall_ratio target=1.02 value=$(fmt "$g2" 4) status=$s2"
echo "GOAL name=bytes_per_event target=16 value=$(fmt "$g3" 3) status=$s3"

# ---- well-formedness (what bench_smoke checks) ----
required="uncontended_pair uncontended_pair_shm clock_read contended_pair contended_handoff condvar_roundtrip semturn_roundtrip sem_pair rwlock_rdpair nested_pair report_nested pigz_wall"
for name in $required; do
    found=0
    for line in "${bench_lines[@]}"; do
        case $line in "BENCH name=$name "*) found=1 ;; esac
    done
    [ $found = 1 ] || fail "no BENCH line for $name"
done
# Every field key=value with a value; every figure (all but the few text
# fields) a plain decimal number. One awk for all lines: forks are slow on a busy VM.
while IFS= read -r problem; do
    [ -n "$problem" ] && fail "$problem"
done < <(printf '%s\n' "${bench_lines[@]}" | awk '
    {
        if ($1 != "BENCH" || $2 !~ /^name=[a-z0-9_]+$/ || NF < 3) { print "malformed: " $0; next }
        for (i = 3; i <= NF; i++) {
            split($i, kv, "=")
            key = kv[1]; value = substr($i, length(key) + 2)
            if (key !~ /^[a-z0-9_]+$/ || value == "") { print "malformed field \"" $i "\" in: " $0; continue }
            if (key ~ /^(unit|status|reason|tool|trace_fs)$/) continue
            if (value !~ /^-?[0-9]+(\.[0-9]+)?$/) print key " is not a number in: " $0
        }
    }')
if [ $failures -gt 0 ]; then
    echo "run_benchmarks.sh: $failures problem(s); see above" >&2
    exit 1
fi
note "all figures ran and are well-formed"
