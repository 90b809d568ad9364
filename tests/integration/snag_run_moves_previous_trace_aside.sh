#!/bin/sh
# snag run -o TRACE over an earlier trace moves it to TRACE.old (replacing an
# older TRACE.old); over anything that is not a snag trace (a directory with
# other files, a regular file) it refuses with 125, runs nothing and touches
# nothing.
. "$(dirname "$0")/lib.sh"

HOT_LOCK=$SAMPLES/hot_lock

# pids_of TRACE: the process files' names, sorted.
pids_of()
{
    (cd "$1" && ls -- *.snag) | grep -v '^launcher\.snag$' | sort | tr '\n' ' '
}

snag_run_ok trace "$HOT_LOCK" 1 10
first=$(pids_of trace)
[ -n "$first" ] || fail "the first run left no process file in trace/"
snag_run_ok trace "$HOT_LOCK" 1 20
second=$(pids_of trace)
[ -d trace ] && [ -d trace.old ] || fail "after two runs with -o trace: expected trace and trace.old, found: $(ls)"
assert_eq "process files in trace.old (the first run's)" "$first" "$(pids_of trace.old)"
assert_eq "process files in trace (the second run's)" "$second" "$(pids_of trace)"
[ "$first" != "$second" ] || fail "both runs wrote the same process file names: $first"
report_json trace.old old.json
assert_eq "trace.old: hot_lock's argv" '["1","10"]' "$(jqr old.json '.processes[0].argv[1:] | tojson')"
report_json trace new.json
assert_eq "trace: hot_lock's argv" '["1","20"]' "$(jqr new.json '.processes[0].argv[1:] | tojson')"

# A third run: trace -> trace.old, the first run's trace is gone.
snag_run_ok trace "$HOT_LOCK" 1 30
assert_eq "process files in trace.old after a third run (the second run's)" "$second" "$(pids_of trace.old)"
assert_eq "trace directories after three runs" "trace trace.old" "$(ls -d trace* | sort | tr '\n' ' ' | sed 's/ $//')"

# snapshot PATH: a listing of PATH (recursively) with sizes, modes and checksums.
snapshot()
{
    find "$1" -exec stat -c '%n %s %a %F' {} + | sort
    find "$1" -type f -exec md5sum {} + | sort
}

# A directory that is not a snag trace.
mkdir notes
printf 'keep me\n' >notes/notes.txt
printf 'data' >notes/run.snag # a .snag file among others does not make it a trace
before=$(snapshot notes)
snag_run notes sh -c 'echo ran >"$0"' "$IT_DIR/ran-marker"
assert_run_status "snag run -o over a non-trace directory" 125
assert_one_line run.err "snag run -o over a non-trace directory"
[ ! -e ran-marker ] || fail "snag run -o over a non-trace directory ran the program"
[ ! -e notes.old ] || fail "snag run -o over a non-trace directory made notes.old"
assert_eq "the non-trace directory after the refused run" "$before" "$(snapshot notes)"

# A regular file.
printf 'precious\n' >a-file
before=$(snapshot a-file)
snag_run a-file sh -c 'echo ran >"$0"' "$IT_DIR/ran-marker"
assert_run_status "snag run -o over a regular file" 125
assert_one_line run.err "snag run -o over a regular file"
[ ! -e ran-marker ] || fail "snag run -o over a regular file ran the program"
[ ! -e a-file.old ] || fail "snag run -o over a regular file made a-file.old"
assert_eq "the file after the refused run" "$before" "$(snapshot a-file)"

# A symlink to a trace is not followed either.
ln -s trace link-to-trace
before=$(snapshot trace)
snag_run link-to-trace sh -c 'echo ran >"$0"' "$IT_DIR/ran-marker"
assert_run_status "snag run -o over a symlink to a trace" 125
[ ! -e ran-marker ] || fail "snag run -o over a symlink to a trace ran the program"
[ -L link-to-trace ] || fail "snag run -o over a symlink replaced the symlink"
assert_eq "the trace behind the symlink after the refused run" "$before" "$(snapshot trace)"
