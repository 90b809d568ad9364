#!/bin/sh
# Under the findings list, the selected finding's stacks: for each of its
# threads, where it took the lock it holds and where it wants the next, a
# frame a line as "function (file:line)". They are the report's stacks
# (--json), in the report's order, and name the sample's own functions: in
# abba_deadlock, transfer under checking_to_savings and savings_to_checking;
# in lock_order_inversion, each thread's routine taking the two locks. At
# 80x24 the pane scrolls (PgDn, J) and says which lines it shows.
. "$(dirname "$0")/viewer_lib.sh"

# shown_stacks SCREEN SAMPLE_FILE: a line per stack on the screen's stacks
# pane, "TID|took LOCK at:|frame|frame..." with only the frames in
# SAMPLE_FILE (libc's frames depend on the machine's debug information).
shown_stacks()
{
    awk -v sample="$2" '
        /^Stacks of the selected finding/ { on = 1; next }
        !on { next }
        /^q:quit/ { exit }
        /^thread / { tid = $2; next }
        /^  (took|wants) .* at:$/ { if (key != "") print key; sub(/^  /, ""); key = tid "|" $0; next }
        /^    / { sub(/^    /, ""); if (index($0, "(" sample ":")) key = key "|" $0; next }
        END { if (key != "") print key }' "$1"
}

# report_stacks REPORT SAMPLE_FILE: the same from `snag report --json`.
report_stacks()
{
    jqr "$1" '.findings[0] as $f | $f.stacks[]
        | "\(.tid)|\(if .for == "holds" then "took" else "wants" end) \($f.locks[.lock].label) at:"
          + ([.frames[] | select(.file != null and (.file | split("/") | last) == $sample)
              | "|\(.function) (\(.file | split("/") | last):\(.line))"] | join(""))' --arg sample "$2"
}

snag_run trace "$SAMPLES/abba_deadlock"
assert_run_status "abba_deadlock ends with snag's deadlock status" 120
report_json trace report.json
assert_eq "abba_deadlock's finding" "deadlock/lock_cycle with 4 stacks" \
    "$(jqr report.json '.findings[0] | "\(.kind)/\(.subkind) with \(.stacks | length) stacks"')"

view_dump tall.txt --size 120x50 --screen findings trace
assert_file_has tall.txt "[high] deadlock/lock_cycle" "the finding in the list"
assert_eq "the stacks shown are the report's" "$(report_stacks report.json abba_deadlock.c)" \
    "$(shown_stacks tall.txt abba_deadlock.c)"
for routine in checking_to_savings savings_to_checking; do
    grep -q "^    transfer (abba_deadlock\.c:[0-9]*)\$" tall.txt || fail "no transfer frame: $(cat tall.txt)"
    grep -q "^    $routine (abba_deadlock\.c:[0-9]*)\$" tall.txt || fail "no $routine frame: $(cat tall.txt)"
done
for tid in $(jqr report.json '.findings[0].threads[].tid'); do
    grep -q "^thread $tid .*(waiter)\$" tall.txt || fail "thread $tid has no heading in the stacks: $(cat tall.txt)"
done

# 80x24: the first thread's stacks, then, pages down, the last one's wait.
# The pane has 16 lines there.
lines=$(finding_stack_lines report.json)
[ "$lines" -gt 16 ] || fail "abba_deadlock's stacks take $lines lines: too few to scroll at 80x24"
view_dump small.txt --size 80x24 --screen findings trace
assert_file_has small.txt "Stacks of the selected finding's threads" "the stacks pane at 80x24"
grep -q "lines 1-16 of $lines\$" small.txt || fail "the pane does not say it shows lines 1-16 of $lines: $(cat small.txt)"
first=$(report_stacks report.json abba_deadlock.c | head -n 1)
shown_stacks small.txt abba_deadlock.c | grep -qxF "$first" || fail "the first stack ($first) is not shown: $(cat small.txt)"
view_dump paged.txt --size 80x24 --screen findings --keys '<PgDn><PgDn><PgDn>' trace
grep -q "lines $((lines - 15))-$lines of $lines\$" paged.txt || fail "PgDn PgDn PgDn does not end at the pane's last lines: $(cat paged.txt)"
last=$(report_stacks report.json abba_deadlock.c | tail -n 1)
shown_stacks paged.txt abba_deadlock.c | grep -qF "${last#*|}" || fail "the last stack ($last) is not shown: $(cat paged.txt)"
view_dump scrolled.txt --size 80x24 --screen findings --keys 'JJJK' trace
grep -q "lines 3-18 of $lines\$" scrolled.txt || fail "J J J K does not scroll two lines: $(cat scrolled.txt)"
awk 'length($0) > 80 { exit 1 }' paged.txt || fail "a line wider than 80 columns: $(cat paged.txt)"

[ -x "$SAMPLES/lock_order_inversion" ] || skip "no lock_order_inversion sample"
snag_run_ok inversion "$SAMPLES/lock_order_inversion"
report_json inversion inversion.json
assert_eq "lock_order_inversion's finding" "lock_order_inversion/opposite_order" \
    "$(jqr inversion.json '.findings[0] | "\(.kind)/\(.subkind)"')"
view_dump inversion.txt --size 120x50 --screen findings inversion
assert_eq "the inversion's stacks shown are the report's" "$(report_stacks inversion.json lock_order_inversion.c)" \
    "$(shown_stacks inversion.txt lock_order_inversion.c)"
for routine in transfer_thread record_transfer audit_thread read_total; do
    grep -q "^    $routine (lock_order_inversion\.c:[0-9]*)\$" inversion.txt ||
        fail "no $routine frame in the inversion's stacks: $(cat inversion.txt)"
done
grep -q "^thread [0-9].*(first)\$" inversion.txt && grep -q "^thread [0-9].*(second)\$" inversion.txt ||
    fail "the inversion's two threads are not named with their steps: $(cat inversion.txt)"
