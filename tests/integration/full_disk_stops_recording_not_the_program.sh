#!/bin/sh
# The trace's file system fills up mid-run (a 1 MiB tmpfs): the shim says so
# once and stops recording, the program runs on with the same output and
# exit status, and the trace written until then reads without a warning.
# Needs to mount a tmpfs (root); skipped where that is not allowed.
. "$(dirname "$0")/lib.sh"

mkdir disk || fail "cannot create $IT_DIR/disk"
mount -t tmpfs -o size=1m,mode=0700 snag-test-full-disk "$IT_DIR/disk" 2>/dev/null ||
    skip "cannot mount a tmpfs here (not root, or not allowed)"
# Unmounted before the directory is removed, however the test ends.
trap 'umount "$IT_DIR/disk" 2>/dev/null; it_cleanup' EXIT

snag_run disk/trace "$SAMPLES/hot_lock" 2 300000
assert_run_status "snag run hot_lock on a full disk" 0
assert_eq "hot_lock stdout under snag, disk full" "counter=600000" "$(cat run.out)"
assert_file_has run.err "cannot grow the trace file (No space left on device); recording stops, the program goes on" \
    "snag run's stderr"
warnings=$(grep -c "recording stops" run.err)
assert_eq "times the shim said recording stops" 1 "$warnings"

with_timeout 60 "$SNAG" report --json --all disk/trace >report.json 2>report.err
status=$?
assert_eq "snag report on the full disk's trace: exit status (stderr: $(head -c 1000 report.err))" 0 "$status"
[ ! -s report.err ] || fail "snag report warned about the trace cut short by a full disk: $(head -c 1000 report.err)"
assert_eq "hot_lock exit in the report" '{"status":0}' "$(jqr report.json '.processes[0].exit | tojson')"
acquisitions=$(lock_field report.json counter_lock acquisitions) || exit 1
assert_int -gt "counter_lock acquisitions recorded before the disk filled" "$acquisitions" 0
assert_int -lt "counter_lock acquisitions recorded (the disk filled before the end)" "$acquisitions" 600000
note "counter_lock acquisitions recorded before the disk filled: $acquisitions"
