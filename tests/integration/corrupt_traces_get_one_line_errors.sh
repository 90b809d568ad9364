#!/bin/sh
# snag report on broken traces: truncated process files, garbage, a future
# format version, an empty directory, a missing path, a directory with only
# launcher.snag, and 200 random byte mutations of a real trace. It must never
# crash (killed by a signal) or hang (10 s each); when it rejects a trace it
# exits 3 with exactly one line on stderr naming the bad file. A truncation
# that leaves a valid prefix may be read (exit 0, valid JSON).
#
# The mutations are reproducible: IT_FUZZ_SEED (default 1) picks them, and a
# failure prints the offsets and the (octal) byte values written.
. "$(dirname "$0")/lib.sh"

# A small real trace: bounded_queue with 200 items (three threads, a few chunks).
snag_run_ok source "$SAMPLES/bounded_queue" 200
set -- source/[0-9]*.snag
[ $# -eq 1 ] && [ -f "$1" ] || fail "expected one process file in the source trace, found: $*"
original=$1
process_file=$(basename "$original")
size=$(wc -c <"$original")
chunk_size=$(od -An -tu4 -j 16 -N 4 "$original" | tr -d ' ')
first_chunk=$(od -An -tu4 -j 124 -N 4 "$original" | tr -d ' ')
assert_int -gt "size of the source process file vs its first chunk offset" "$size" "$first_chunk"
note "source: $size bytes, first chunk at $first_chunk, chunks of $chunk_size bytes"

checked=0

# check_report MODE PATH NAMED [MAY_SUCCEED]: snag report (MODE: json or text)
# on PATH under a 10 s timeout: no signal, no hang; exit 3 with one line on
# stderr containing NAMED, or, when MAY_SUCCEED is "yes", exit 0 (with valid
# JSON in json mode).
check_report()
{
    mode=$1 path=$2 named=$3 may_succeed=${4:-no}
    if [ "$mode" = json ]; then
        timeout 10 "$SNAG" report --json --all "$path" >report.out 2>report.err
    else
        timeout 10 "$SNAG" report --all "$path" >report.out 2>report.err
    fi
    status=$?
    checked=$((checked + 1))
    what="snag report ($mode) on $CASE"
    [ "$status" -ne 124 ] || fail "$what: hung (killed after 10 s)"
    [ "$status" -lt 128 ] || fail "$what: killed by signal $((status - 128)); stderr: $(head -c 2000 report.err)"
    if [ "$status" -eq 0 ] && [ "$may_succeed" = yes ]; then
        [ "$mode" != json ] || check_json_later "$what"
        return 0
    fi
    [ "$status" -eq 3 ] ||
        fail "$what: exit status $status, expected 3 (bad trace)$([ "$may_succeed" = yes ] && echo ' or 0'); stderr: $(head -c 2000 report.err)"
    assert_one_line report.err "$what"
    grep -qF -- "$named" report.err || fail "$what: the error does not name $named: $(cat report.err)"
}

# check_json_later WHAT: keeps report.out, to be checked as JSON by
# check_json_now (one jq for all: jq's start-up dominates a report's time).
mkdir json-outputs
check_json_later()
{
    mv report.out "json-outputs/$checked.json"
    printf '%s\n' "$1" >"json-outputs/$checked.what"
}

check_json_now()
{
    jq -e 'true' json-outputs/*.json >/dev/null 2>&1 && return 0
    for output in json-outputs/*.json; do
        jq -e . "$output" >/dev/null 2>&1 || fail "$(cat "${output%.json}.what"): exit 0 but invalid JSON"
    done
    fail "jq rejects the JSON outputs together but accepts each one"
}

# new_trace DIR: DIR with the source's launcher.snag, ready for a process file.
new_trace()
{
    rm -rf "$1"
    mkdir "$1" || fail "cannot create $1"
    cp source/launcher.snag "$1/" || fail "cannot copy launcher.snag"
}

# ---- truncated process files ----
# Shorter than header + call-site table: always rejected. Longer: a valid
# prefix (the header's live chunk count may promise more) may be read.
for length in 0 1 7 8 10 12 100 160 4095 4096 4097 $((first_chunk - 1)) \
    $first_chunk $((first_chunk + 1)) $((first_chunk + 8)) $((first_chunk + 63)) $((first_chunk + 64)) \
    $((first_chunk + 100)) $((first_chunk + chunk_size / 2 + 4)) $((first_chunk + chunk_size - 1)) \
    $((first_chunk + chunk_size)) $((first_chunk + chunk_size + 72)) $((size - 4096)) $((size - 1)); do
    [ "$length" -lt "$size" ] || continue
    CASE="a process file truncated to $length of $size bytes"
    new_trace trunc
    head -c "$length" "$original" >"trunc/$process_file"
    may=no
    [ "$length" -ge "$first_chunk" ] && may=yes
    check_report json trunc "trunc/$process_file" $may
    check_report text trunc "trunc/$process_file" $may
    # The file named on its own, without its directory.
    check_report json "trunc/$process_file" "trunc/$process_file" $may
done

# ---- garbage ----
# Deterministic garbage: bytes of the snag executable.
new_trace garbage
CASE="a process file of garbage (no magic)"
dd if="$SNAG" of="garbage/$process_file" bs=1 skip=1000 count=5000 2>/dev/null
check_report json garbage "garbage/$process_file"
check_report text garbage "garbage/$process_file"

CASE="the magic followed by garbage"
{ printf 'SNAGTRC\000'; dd if="$SNAG" bs=4096 skip=3 count=50 2>/dev/null; } >"garbage/$process_file"
check_report json garbage "garbage/$process_file"

CASE="the magic and version 1 followed by garbage"
{ printf 'SNAGTRC\000\001\000\000\000'; dd if="$SNAG" bs=4096 skip=3 count=50 2>/dev/null; } >"garbage/$process_file"
check_report json garbage "garbage/$process_file"

CASE="a valid header followed by garbage"
{ head -c 4096 "$original"; dd if="$SNAG" bs=4096 skip=3 count=$((size / 4096)) 2>/dev/null; } | head -c "$size" >"garbage/$process_file"
check_report json garbage "garbage/$process_file" yes
check_report text garbage "garbage/$process_file" yes

CASE="a valid header and call-site table followed by garbage chunks"
{ head -c "$first_chunk" "$original"; dd if="$SNAG" bs=4096 skip=3 count=$((size / 4096)) 2>/dev/null; } | head -c "$size" >"garbage/$process_file"
check_report json garbage "garbage/$process_file" yes
check_report text garbage "garbage/$process_file" yes

# ---- a future format version ----
new_trace future
cp "$original" "future/$process_file"
printf '\143\000\000\000' | dd of="future/$process_file" bs=1 seek=8 count=4 conv=notrunc 2>/dev/null
CASE="a process file in format version 99"
check_report json future "future/$process_file"
check_report text future "future/$process_file"

# ---- broken launcher.snag ----
for length in 0 8 100 159; do
    new_trace launcher
    cp "$original" "launcher/$process_file"
    head -c "$length" source/launcher.snag >launcher/launcher.snag.tmp
    mv launcher/launcher.snag.tmp launcher/launcher.snag
    CASE="launcher.snag truncated to $length bytes"
    check_report json launcher launcher/launcher.snag yes
done
new_trace launcher
cp "$original" "launcher/$process_file"
dd if="$SNAG" of=launcher/launcher.snag bs=1 skip=1000 count=160 2>/dev/null
CASE="launcher.snag of garbage"
check_report json launcher launcher/launcher.snag yes

# ---- not traces at all ----
mkdir empty
CASE="an empty directory"
check_report json empty empty
check_report text empty empty

CASE="a missing path"
check_report json "$IT_DIR/no-such-trace" no-such-trace
check_report text "$IT_DIR/no-such-trace" no-such-trace

new_trace launcher-only
CASE="a directory with only launcher.snag"
check_report json launcher-only launcher-only
check_report text launcher-only launcher-only

printf 'hello\n' >plain-file
CASE="a small text file"
check_report json plain-file plain-file

# ---- 200 random byte mutations ----
# Offsets: 40% in the first 256 bytes (the header's fields), 40% on bytes
# that are not zero (records, chunk headers, call sites), 20% anywhere.
od -An -v -tu1 -w1 "$original" | awk '$1 != 0 { print NR - 1 }' >nonzero.txt
nonzero=$(wc -l <nonzero.txt)
assert_int -gt "non-zero bytes in the source process file" "$nonzero" 1000
awk -v seed="${IT_FUZZ_SEED:-1}" -v size="$size" -v mutants=200 '
    function next_random(limit) { x = (x * 16807) % 2147483647; return x % limit }
    NR == FNR { nz[n++] = $1; next }
    END {
        x = seed + 12345
        for (m = 1; m <= mutants; m++) {
            line = m
            changes = 1 + next_random(3)
            for (c = 0; c < changes; c++) {
                kind = next_random(10)
                if (kind < 4) offset = next_random(256)
                else if (kind < 8) offset = nz[next_random(n)]
                else offset = next_random(size)
                line = line " " offset ":" sprintf("%03o", next_random(256))
            }
            print line
        }
    }' nonzero.txt nonzero.txt >mutations.txt
assert_eq "mutations planned" 200 "$(wc -l <mutations.txt)"

new_trace mutant
while read -r mutant changes; do
    cp "$original" "mutant/$process_file" || fail "cannot copy $original"
    for change in $changes; do
        offset=${change%:*}
        octal=${change#*:}
        # shellcheck disable=SC2059
        printf "\\$octal" | dd of="mutant/$process_file" bs=1 seek="$offset" count=1 conv=notrunc 2>/dev/null
    done
    CASE="mutant $mutant (seed ${IT_FUZZ_SEED:-1}; offset:octal-byte $changes)"
    mode=json
    [ $((mutant % 4)) -eq 0 ] && mode=text
    if [ "$mode" = json ]; then
        timeout 10 "$SNAG" report --json --all mutant >report.out 2>report.err
    else
        timeout 10 "$SNAG" report --all mutant >report.out 2>report.err
    fi
    status=$?
    checked=$((checked + 1))
    [ "$status" -ne 124 ] || fail "snag report ($mode) on $CASE: hung (killed after 10 s)"
    [ "$status" -lt 128 ] || fail "snag report ($mode) on $CASE: killed by signal $((status - 128)); stderr: $(head -c 2000 report.err)"
    case $status in
    0) [ "$mode" != json ] || check_json_later "snag report --json on $CASE" ;;
    3) assert_one_line report.err "snag report ($mode) on $CASE" ;;
    *) fail "snag report ($mode) on $CASE: exit status $status, expected 0 or 3; stderr: $(head -c 2000 report.err)" ;;
    esac
done <mutations.txt
check_json_now
note "$checked reports on broken traces: no crash, no hang"
