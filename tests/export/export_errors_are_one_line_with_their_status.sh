#!/bin/sh
# snag export's failures: a broken trace (garbage, truncated, a newer format,
# an empty directory, a missing path) gets the reader's one-line error and
# exit 3, and leaves no output file; 60 random byte mutations of a real trace
# (IT_FUZZ_SEED, default 1) each get that or a valid export, never a crash; an output file that cannot be created
# or written gets one line naming it and exit 1; a bad command line (no
# --format, another format, two traces, an unknown option) gets the usage
# and exit 2. --help documents it, `snag --help` lists it, and the JSON goes
# to standard output without -o (or with -o -).
here=$(cd "$(dirname "$0")" && pwd) || exit 1
. "$here/../integration/lib.sh"
. "$here/export_lib.sh"

# snag_export ARGS...: snag export under a 60 s timeout; stdout to out.txt,
# stderr to err.txt, the status to $STATUS.
snag_export()
{
    with_timeout 60 "$SNAG" export "$@" >out.txt 2>err.txt
    STATUS=$?
    [ "$STATUS" -lt 128 ] || fail "snag export $*: killed by signal $((STATUS - 128)); stderr: $(head -c 2000 err.txt)"
}

# expect_failure WHAT STATUS NAMED ARGS...: exit STATUS, one line on stderr
# naming NAMED, nothing on stdout.
expect_failure()
{
    it_what=$1 it_expected=$2 it_named=$3
    shift 3
    snag_export "$@"
    [ "$STATUS" -eq "$it_expected" ] ||
        fail "$it_what: exit status $STATUS, expected $it_expected; stderr: $(head -c 2000 err.txt)"
    assert_one_line err.txt "$it_what"
    assert_file_has err.txt "$it_named" "$it_what: the error names $it_named"
    [ ! -s out.txt ] || fail "$it_what: printed on standard output: $(head -c 500 out.txt)"
}

snag_run_ok good "$SAMPLES/hot_lock" 2 1000
set -- good/[0-9]*.snag
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one process file in the trace, found: $*"
process_file=$(basename "$1")

# ---- broken traces: exit 3 ----
broken_trace()
{
    rm -rf "$1"
    mkdir "$1" && cp good/launcher.snag "$1/" || fail "cannot make $1"
}
broken_trace garbage
dd if="$SNAG" of="garbage/$process_file" bs=1 skip=1000 count=5000 2>/dev/null
expect_failure "a process file of garbage" 3 "garbage/$process_file" --format=chrome garbage -o garbage.json
[ ! -e garbage.json ] || fail "a broken trace left an output file behind"

broken_trace truncated
head -c 100 "good/$process_file" >"truncated/$process_file"
expect_failure "a truncated process file" 3 "truncated/$process_file" --format=chrome truncated

broken_trace future
cp "good/$process_file" "future/$process_file"
printf '\143\000\000\000' | dd of="future/$process_file" bs=1 seek=8 count=4 conv=notrunc 2>/dev/null
expect_failure "a process file in format version 99" 3 "future/$process_file" --format=chrome future

mkdir empty
expect_failure "an empty directory" 3 empty --format=chrome empty
expect_failure "a missing trace" 3 no-such-trace --format=chrome no-such-trace -o missing.json
[ ! -e missing.json ] || fail "a missing trace left an output file behind"

# ---- damaged traces: exit 3, or a valid export ----
snag_run_ok queue "$SAMPLES/bounded_queue" 200
set -- queue/[0-9]*.snag
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one process file in the bounded_queue trace, found: $*"
with_timeout 600 python3 - "$SNAG" "$CHECKER" "$1" "${IT_FUZZ_SEED:-1}" <<'PYTHON' || fail "damaged traces (see above)"
import json, os, random, shutil, subprocess, sys
snag, checker, original, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = open(original, "rb").read()
nonzero = [offset for offset, byte in enumerate(data) if byte]
rng = random.Random(seed)
statuses = {}
for mutant in range(60):
    # 30% in the header, 60% on bytes that are not zero (records), 10% anywhere
    changes = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        offset = rng.randrange(256) if kind < 0.3 else rng.choice(nonzero) if kind < 0.9 else rng.randrange(len(data))
        changes.append((offset, rng.randrange(256)))
    shutil.rmtree("mutant", ignore_errors=True)
    shutil.copytree(os.path.dirname(original), "mutant")
    damaged = bytearray(data)
    for offset, byte in changes:
        damaged[offset] = byte
    with open(os.path.join("mutant", os.path.basename(original)), "wb") as out:
        out.write(damaged)
    what = "mutant %d (seed %d; offset:byte %s)" % (mutant, seed, " ".join("%d:%d" % change for change in changes))
    run = subprocess.run([snag, "export", "--format=chrome", "mutant", "-o", "mutant.json"], capture_output=True, timeout=60)
    statuses[run.returncode] = statuses.get(run.returncode, 0) + 1
    if run.returncode == 3:
        if run.stderr.count(b"\n") != 1 or os.path.exists("mutant.json"):
            sys.exit("FAIL: %s: exit 3 without exactly one line, or with an output file: %r" % (what, run.stderr[:500]))
        continue
    if run.returncode != 0:
        sys.exit("FAIL: %s: exit status %d: %r" % (what, run.returncode, run.stderr[:2000]))
    report = subprocess.run([snag, "report", "--json", "mutant"], capture_output=True, timeout=60)
    duration = json.loads(report.stdout)["duration_ns"]
    check = subprocess.run(["python3", checker, "mutant.json", str(duration)], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit("FAIL: %s: an invalid export:\n%s" % (what, check.stderr[:2000]))
    os.remove("mutant.json")
print("damaged traces: exit statuses %s" % statuses)
PYTHON

# ---- output that cannot be written: exit 1 ----
expect_failure "-o in a missing directory" 1 "no-such-dir/out.json" --format=chrome good -o no-such-dir/out.json
mkdir a-directory
expect_failure "-o naming a directory" 1 a-directory --format=chrome good -o a-directory
if [ -w /dev/full ]; then
    expect_failure "-o /dev/full (no space left)" 1 /dev/full --format=chrome good -o /dev/full
fi

# ---- bad command lines: exit 2 with the usage ----
for args in "good" "--format=json good" "--format chromium good" "--format=chrome good good" "--format=chrome --bogus good"; do
    # shellcheck disable=SC2086 # split on purpose
    snag_export $args
    assert_eq "snag export $args: exit status" 2 "$STATUS"
    assert_file_has err.txt "usage: snag export --format=chrome" "snag export $args: the usage"
    [ ! -s out.txt ] || fail "snag export $args: printed on standard output"
done

# ---- documented ----
snag_export --help
assert_eq "snag export --help: exit status" 0 "$STATUS"
for text in "usage: snag export --format=chrome [-o FILE] [TRACE]" "Perfetto" "chrome://tracing" "-o, --output FILE"; do
    assert_file_has out.txt "$text" "snag export --help"
done
"$SNAG" --help >help.txt 2>&1 || fail "snag --help failed"
assert_file_has help.txt "export --format=chrome" "snag --help lists export"

# ---- standard output, -o, -o - and the trace named after the options ----
snag_export --format=chrome good
assert_eq "snag export to standard output: exit status" 0 "$STATUS"
mv out.txt stdout.json
snag_export --format=chrome -o - good
assert_eq "snag export -o -: exit status" 0 "$STATUS"
cmp -s out.txt stdout.json || fail "snag export -o - differs from snag export to standard output"
snag_export --format=chrome good -o file.json
assert_eq "snag export TRACE -o FILE: exit status" 0 "$STATUS"
[ ! -s out.txt ] || fail "snag export -o FILE printed on standard output"
cmp -s file.json stdout.json || fail "snag export -o FILE differs from snag export to standard output"
report_json good report.json
check_export file.json "$(jqr report.json .duration_ns)" summary.json
