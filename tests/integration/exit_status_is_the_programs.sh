#!/bin/sh
# snag run exits as the program did (its status, or 128+N for signal N, also
# recorded in the report), and with its own documented statuses when it
# cannot run the program: 127 not found, 126 not executable, 122 statically
# linked (LD_PRELOAD cannot reach it), 125 trace location not writable.
# Each of snag's own failures is one line on stderr.
. "$(dirname "$0")/lib.sh"

ulimit -c 0 2>/dev/null # no core files from the signal cases

# The program's exit status.
snag_run t_exit7 sh -c 'exit 7'
assert_run_status "snag run sh -c 'exit 7'" 7
report_json t_exit7 exit7.json
assert_eq "report: exit of sh -c 'exit 7'" '{"status":7}' "$(jqr exit7.json '.processes[0].exit | tojson')"

# Death by a signal: 128+N, and {"signal":N} in the report.
for case in SEGV:11 ABRT:6; do
    name=${case%%:*}
    number=${case#*:}
    snag_run "t_$name" sh -c "kill -$name \$\$"
    assert_run_status "snag run sh -c 'kill -$name \$\$'" $((128 + number))
    report_json "t_$name" "$name.json"
    assert_eq "report: exit of a process killed by SIG$name" "{\"signal\":$number}" \
        "$(jqr "$name.json" '.processes[0].exit | tojson')"
done

# Not found: 127, by path and through PATH.
snag_run t_missing "$IT_DIR/no-such-program"
assert_run_status "snag run of a missing path" 127
assert_one_line run.err "snag run of a missing path"
assert_file_has run.err "no-such-program" "snag run of a missing path: message names the program"

snag_run t_missing2 snag-it-no-such-program-in-path
assert_run_status "snag run of a name not in PATH" 127
assert_one_line run.err "snag run of a name not in PATH"
assert_file_has run.err "snag-it-no-such-program-in-path" "snag run of a name not in PATH: message names the program"

# Exists but cannot be executed: 126.
printf '#!/bin/sh\necho should not run\n' >not-executable
chmod 0644 not-executable
snag_run t_noexec ./not-executable
assert_run_status "snag run of a non-executable file" 126
assert_one_line run.err "snag run of a non-executable file"
assert_file_has run.err "not-executable" "snag run of a non-executable file: message names the program"
assert_eq "snag run of a non-executable file: stdout" "" "$(cat run.out)"

# A directory is not executable either.
mkdir a-directory
snag_run t_dir ./a-directory
assert_run_status "snag run of a directory" 126
assert_one_line run.err "snag run of a directory"

# The trace location cannot be written: 125 (/proc refuses new entries, even
# to root; a regular file in the way of a directory path).
for location in /proc/snag-it-forbidden "$IT_DIR/not-executable/trace"; do
    snag_run "$location" sh -c 'echo ran'
    assert_run_status "snag run -o $location" 125
    assert_one_line run.err "snag run -o $location"
    assert_eq "snag run -o $location: the program must not run" "" "$(cat run.out)"
done

# Statically linked: 122 with a reason (last: it needs libc.a).
printf 'int main(void) { return 0; }\n' >static.c
if "$CC_BIN" -static -o static static.c >cc.log 2>&1 && ./static; then
    snag_run t_static ./static
    assert_run_status "snag run of a statically linked program" 122
    assert_one_line run.err "snag run of a statically linked program"
    assert_file_has run.err "statically linked" "snag run of a statically linked program: message"
else
    skip "every other case passed; the static-program case needs '$CC_BIN -static' (libc.a): $(head -c 500 cc.log)"
fi
