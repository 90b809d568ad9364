#!/bin/sh
# Real multithreaded programs produce byte-identical output under snag:
# pigz -p 2 compressing ~20 MB, and an xz -T2 round trip. The trace shows
# that pigz's mutexes and condvars were recorded.
. "$(dirname "$0")/lib.sh"

PIGZ=$(command -v pigz) || fail "pigz is needed (apt-get install pigz)"
XZ=$(command -v xz) || fail "xz is needed (apt-get install xz-utils)"

# ~20 MB, the same on every run: lines from a Park-Miller generator (exact in
# any awk's double arithmetic) mixed with counting lines: compressible, but
# not trivially.
awk -v target=20000000 'BEGIN {
    x = 20240601; n = 0
    while (n < target) {
        x = (x * 16807) % 2147483647
        if (x % 3 == 0) line = sprintf("%d seq line %d\n", n, n % 1000)
        else line = sprintf("%08x %07d %s\n", x, x % 9999991, substr("abcdefghijklmnopqrstuvwxyz", x % 26 + 1, x % 13))
        printf "%s", line
        n += length(line)
    }
}' >input.dat || fail "cannot generate the input"
assert_eq "size of the generated input" 20000002 "$(wc -c <input.dat)"

# pigz: the same .gz with and without snag.
with_timeout 60 "$PIGZ" -p 2 -c input.dat >plain.gz || fail "pigz without snag failed"
snag_run pigz.trace "$PIGZ" -p 2 -c input.dat
assert_run_status "snag run pigz" 0
cmp -s plain.gz run.out || fail "pigz -p 2 output differs under snag ($(wc -c <plain.gz) bytes without, $(wc -c <run.out) with)"

report_json pigz.trace pigz.json
assert_eq "findings on pigz (a correct program)" 0 "$(jqr pigz.json '.findings | length')"
pid=$(jqr pigz.json '[.processes[] | select(.argv[0] == $p)] | if length == 1 then .[0].pid else "processes: \(length)" end' --arg p "$PIGZ") || exit 1
for type in mutex cond; do
    count=$(jqr pigz.json '[.locks[] | select(.pid == ($pid | tonumber) and .type == $t and .acquisitions > 0)] | length' --arg pid "$pid" --arg t "$type") || exit 1
    assert_int -ge "pigz: ${type}es with acquisitions > 0" "$count" 1
done

# xz -T2 (-0: fast, 1 MiB blocks, so both threads get work): the same .xz with and
# without snag, and it decompresses under snag to the input.
with_timeout 60 "$XZ" -0 -T2 -c input.dat >plain.xz || fail "xz without snag failed"
snag_run xz.trace "$XZ" -0 -T2 -c input.dat
assert_run_status "snag run xz -T2" 0
cmp -s plain.xz run.out || fail "xz -0 -T2 output differs under snag ($(wc -c <plain.xz) bytes without, $(wc -c <run.out) with)"
mv run.out traced.xz
snag_run unxz.trace "$XZ" -d -T2 -c traced.xz
assert_run_status "snag run xz -d -T2" 0
cmp -s input.dat run.out || fail "xz -T2 round trip under snag does not give back the input"

report_json xz.trace xz.json
assert_eq "findings on xz (a correct program)" 0 "$(jqr xz.json '.findings | length')"
count=$(jqr xz.json '[.locks[] | select(.type == "mutex" and .acquisitions > 0)] | length') || exit 1
assert_int -ge "xz -T2: mutexes with acquisitions > 0" "$count" 1
