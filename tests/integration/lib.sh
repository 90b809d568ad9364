# Shared helpers for the integration tests: sourced (". lib.sh") by every
# tests/integration/*.sh script, which ctest runs as
#
#   sh SCRIPT.sh SNAG SAMPLES_DIR SHIM CC
#
# SNAG: the snag command; SAMPLES_DIR: the built sample programs; SHIM: the
# libsnag.so to preload by hand; CC: a C compiler. Each script runs real
# programs under the real shim in its own temporary directory (removed on
# exit, kept when IT_KEEP=1), so scripts are independent and run in parallel.
#
# Exit statuses: 0 pass, 1 fail (with "FAIL: ..." on stderr), 77 skipped
# (ctest SKIP_RETURN_CODE).
#
# POSIX sh; needs jq (and timeout from coreutils).

IT_NAME=$(basename "$0" .sh)
# The directory of the test scripts (absolute: the tests cd elsewhere).
IT_SOURCE_DIR=$(cd "$(dirname "$0")" && pwd)

fail()
{
    printf 'FAIL: %s: %s\n' "$IT_NAME" "$*" >&2
    exit 1
}

skip()
{
    printf 'SKIPPED: %s: %s\n' "$IT_NAME" "$*"
    exit 77
}

note()
{
    printf '%s: %s\n' "$IT_NAME" "$*"
}

# ---- arguments and tools ----

[ $# -ge 2 ] || { echo "usage: $0 SNAG SAMPLES_DIR [SHIM [CC]]" >&2; exit 2; }
SNAG=$1
SAMPLES=$2
# shellcheck disable=SC2034 # used by the scripts that source this file
SHIM=${3:-}
# shellcheck disable=SC2034
CC_BIN=${4:-${CC:-cc}}
shift $#
# Absolute: the tests run in their own directory.
for it_var in SNAG SAMPLES SHIM CC_BIN; do
    eval "it_value=\$$it_var"
    case $it_value in
    '' | /*) ;;
    */*) eval "$it_var=\$PWD/\$it_value" ;;
    *) [ "$it_var" = CC_BIN ] || eval "$it_var=\$PWD/\$it_value" ;;
    esac
done

[ -x "$SNAG" ] || fail "snag command not found or not executable: $SNAG"
[ -d "$SAMPLES" ] || fail "samples directory not found: $SAMPLES"
command -v jq >/dev/null 2>&1 || fail "jq is needed (apt-get install jq)"
command -v timeout >/dev/null 2>&1 || fail "timeout (coreutils) is needed"

# ---- the per-test temporary directory ----

IT_CLEANUP_PIDS=

it_cleanup()
{
    # TERM first: timeout and snag run pass it on to what they run.
    if [ -n "$IT_CLEANUP_PIDS" ]; then
        for pid in $IT_CLEANUP_PIDS; do
            kill -TERM "$pid" 2>/dev/null
        done
        sleep 0.3
        for pid in $IT_CLEANUP_PIDS; do
            kill -KILL "$pid" 2>/dev/null
        done
    fi
    if [ -n "${IT_DIR:-}" ] && [ -d "$IT_DIR" ]; then
        if [ "${IT_KEEP:-0}" = 1 ]; then
            printf '%s: kept %s\n' "$IT_NAME" "$IT_DIR" >&2
        else
            rm -rf "$IT_DIR"
        fi
    fi
}

IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/snag-it-$IT_NAME.XXXXXX") || fail "cannot create a temporary directory"
trap it_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP
cd "$IT_DIR" || fail "cannot enter $IT_DIR"
mkdir .it || fail "cannot create $IT_DIR/.it" # the helpers' own scratch files

# Kill this pid (only this one) when the test ends, however it ends.
it_cleanup_pid()
{
    IT_CLEANUP_PIDS="$IT_CLEANUP_PIDS $1"
}

# The processes given to it_cleanup_pid are gone (waited for): forget them,
# lest their pids be reused by the time the test ends.
it_cleanup_forget()
{
    IT_CLEANUP_PIDS=
}

# ---- running things ----

# with_timeout SECONDS COMMAND [ARGS...]: runs COMMAND, fails the test if it
# is still running after SECONDS; otherwise returns its exit status.
with_timeout()
{
    it_seconds=$1
    shift
    timeout "$it_seconds" "$@"
    it_status=$?
    [ "$it_status" -ne 124 ] || fail "timed out after ${it_seconds}s: $*"
    return "$it_status"
}

# snag_run TRACE PROGRAM [ARGS...]: `snag run -q -o TRACE -- PROGRAM ARGS`
# under a 60 s timeout; stdout goes to $IT_DIR/run.out, stderr to
# $IT_DIR/run.err, the exit status to $RUN_STATUS. Never fails by itself on
# a non-zero status (the callers check it), only on a timeout.
snag_run()
{
    it_trace=$1
    shift
    with_timeout "${IT_RUN_TIMEOUT:-60}" "$SNAG" run -q -o "$it_trace" -- "$@" >"$IT_DIR/run.out" 2>"$IT_DIR/run.err"
    RUN_STATUS=$?
    return 0
}

# snag_run_ok TRACE PROGRAM [ARGS...]: snag_run, and the run must exit 0.
snag_run_ok()
{
    snag_run "$@"
    [ "$RUN_STATUS" -eq 0 ] ||
        fail "snag run $* exited $RUN_STATUS, expected 0; stderr: $(head -c 2000 "$IT_DIR/run.err")"
}

# report_json TRACE OUT: `snag report --json --all TRACE > OUT`; must exit 0
# within 60 s with valid JSON.
report_json()
{
    with_timeout 60 "$SNAG" report --json --all "$1" >"$2" 2>"$IT_DIR/.it/report.err"
    it_status=$?
    [ "$it_status" -eq 0 ] ||
        fail "snag report --json --all $1 exited $it_status, expected 0; stderr: $(head -c 2000 "$IT_DIR/.it/report.err")"
    jq -e . "$2" >/dev/null 2>&1 || fail "snag report --json $1 printed invalid JSON (see $2)"
}

# ---- checks ----

# assert_eq WHAT EXPECTED ACTUAL
assert_eq()
{
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# assert_run_status WHAT EXPECTED: the last snag_run's exit status (the
# failure shows its stderr).
assert_run_status()
{
    [ "$RUN_STATUS" = "$2" ] ||
        fail "$1: expected exit status $2, got $RUN_STATUS; stderr: $(head -c 2000 "$IT_DIR/run.err")"
}

# assert_int OP WHAT LEFT RIGHT: an integer comparison (OP: -eq -gt -ge -lt -le -ne).
assert_int()
{
    case $3 in '' | *[!0-9-]*) fail "$2: expected a number, got '$3'" ;; esac
    case $4 in '' | *[!0-9-]*) fail "$2: expected a number to compare with, got '$4'" ;; esac
    case $1 in
    -eq) [ "$3" -eq "$4" ] ;;
    -ne) [ "$3" -ne "$4" ] ;;
    -gt) [ "$3" -gt "$4" ] ;;
    -ge) [ "$3" -ge "$4" ] ;;
    -lt) [ "$3" -lt "$4" ] ;;
    -le) [ "$3" -le "$4" ] ;;
    *) fail "assert_int: unknown comparison $1" ;;
    esac || fail "$2: expected $3 $1 $4"
}

# assert_file_has FILE TEXT WHAT: FILE contains the fixed string TEXT.
assert_file_has()
{
    grep -qF -- "$2" "$1" || fail "$3: '$2' not found in: $(head -c 3000 "$1")"
}

# assert_one_line FILE WHAT: FILE holds exactly one line (a final newline included).
assert_one_line()
{
    it_lines=$(wc -l <"$1")
    it_bytes=$(wc -c <"$1")
    [ "$it_lines" -eq 1 ] && [ "$it_bytes" -gt 1 ] && [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] ||
        fail "$2: expected exactly one line on stderr, got $it_lines lines: $(head -c 2000 "$1")"
}

# jqr FILE FILTER [JQ ARGS...]: jq -r FILTER FILE, failing the test if jq does.
# (jq 1.6: "label" is a keyword, write .["label"].)
jqr()
{
    it_file=$1
    it_filter=$2
    shift 2
    jq -r "$@" "$it_filter" "$it_file" 2>"$IT_DIR/.it/jq.err" || fail "jq '$it_filter' on $it_file failed: $(cat "$IT_DIR/.it/jq.err")"
}

# lock_field JSON LABEL FIELD: FIELD of the one lock labelled LABEL.
lock_field()
{
    it_count=$(jqr "$1" '[.locks[] | select(.["label"] == $l)] | length' --arg l "$2")
    [ "$it_count" = 1 ] || fail "expected exactly one lock labelled '$2' in the report, found $it_count; labels: $(jq -c '[.locks[] | .["label"]]' "$1")"
    jqr "$1" '.locks[] | select(.["label"] == $l) | .[$f] | if type == "string" then . else tojson end' --arg l "$2" --arg f "$3"
}

