#!/bin/sh
# make -j2 on a generated Makefile: every recipe's shell and the programs it
# runs are in the trace, with make as their parent, and their exit statuses.
. "$(dirname "$0")/lib.sh"
command -v make >/dev/null 2>&1 || skip "make is not installed"

{
    printf 'all: a.out b.out c.out d.out\n'
    for name in a b c d; do
        printf '%s.out:\n\tprintf %s > %s.tmp && cat %s.tmp > %s.out && rm %s.tmp\n' \
            "$name" "$name" "$name" "$name" "$name" "$name"
    done
} > Makefile
snag_run_ok trace make -j2 -s
for name in a b c d; do assert_eq "$name.out" "$name" "$(cat $name.out)"; done
report_json trace report.json
assert_eq "findings on make -j2 (a correct program)" 0 "$(jqr report.json '.findings | length')"
make_pid=$(jqr report.json '[.processes[] | select(.argv[0] == "make")][0].pid') || exit 1
recipes=$(jqr report.json "[.processes[] | select(.ppid == $make_pid and .argv[0] == \"/bin/sh\")] | length") || exit 1
assert_int -ge "recipe shells with make ($make_pid) as parent" "$recipes" 4
cats=$(jqr report.json '[.processes[] | select(.argv[0] == "cat") | .exit.status] | map(select(. == 0)) | length') || exit 1
assert_eq "cat processes that exited 0" 4 "$cats"

# The text report draws it as a tree: make at the root, its recipe shells
# one level in (a shell that execs its command shows both, joined by ->).
with_timeout 60 "$SNAG" report --all trace > report.txt || fail "snag report failed"
grep -Eq "^  [0-9]+ make -j2 -s  \[exit 0" report.txt || fail "make is not a root of the process tree: $(cat report.txt)"
nested=$(grep -Ec "^    [0-9]+ /bin/sh -c printf" report.txt)
assert_int -ge "recipe shells drawn under make" "$nested" 4
