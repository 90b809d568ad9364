#!/bin/sh
# A missing, empty, garbage, truncated or future-version trace: snag view
# prints the reader's one-line error and exits 3 before it touches the
# terminal: nothing on standard output, and in a real terminal the screen
# and the terminal's modes are left as they were.
. "$(dirname "$0")/viewer_lib.sh"

"$GEN_TRACE" deadlock good >/dev/null || fail "gen_trace deadlock failed"
good_file=good/2000.snag
[ -f "$good_file" ] || fail "gen_trace wrote no process file"

mkdir empty garbage truncated future
head -c 5000 "$SNAG" >garbage/2000.snag
head -c 3000 "$good_file" >truncated/2000.snag
cp "$good_file" future/2000.snag
printf '\143\000\000\000' | dd of=future/2000.snag bs=1 seek=8 count=4 conv=notrunc 2>/dev/null

for case in missing empty garbage truncated future; do
    for mode in interactive dump; do
        if [ "$mode" = dump ]; then
            timeout 20 "$SNAG" view --dump "$case" >out.txt 2>err.txt </dev/null
        else
            timeout 20 "$SNAG" view "$case" >out.txt 2>err.txt </dev/null
        fi
        status=$?
        assert_eq "snag view ($mode) on the $case trace: exit status" 3 "$status"
        assert_one_line err.txt "snag view ($mode) on the $case trace"
        grep -q "^snag: .*$case" err.txt || fail "the error does not name the $case trace: $(cat err.txt)"
        [ ! -s out.txt ] || fail "snag view ($mode) on the $case trace wrote to standard output: $(od -c out.txt | head)"
    done
done

# In a real terminal: the error, exit 3, the terminal untouched.
terminal_start 100x30 "$SNAG" view garbage
terminal_wait_done
assert_eq "exit status in a terminal" 3 "$VIEW_EXIT"
assert_file_has "$IT_DIR/.it/pane.txt" "snag: garbage/2000.snag: not a snag trace file" "the error in the terminal"
assert_terminal_restored "after the error"
