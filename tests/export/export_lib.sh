# Shared helpers for the tests/export/*.sh scripts: sourced after
# tests/integration/lib.sh (". export_lib.sh"), whose helpers and
# temporary directory they use.

# $here: this directory, set by the script before sourcing.
# shellcheck disable=SC2154
CHECKER=$here/check_chrome_trace.py
command -v python3 >/dev/null 2>&1 || fail "python3 is needed"

# export_chrome TRACE OUT: `snag export --format=chrome TRACE -o OUT`; must
# exit 0 within 120 s, print nothing on stderr but warnings.
export_chrome()
{
    with_timeout 120 "$SNAG" export --format=chrome "$1" -o "$2" 2>"$IT_DIR/.it/export.err"
    it_status=$?
    [ "$it_status" -eq 0 ] ||
        fail "snag export --format=chrome $1 -o $2 exited $it_status, expected 0; stderr: $(head -c 2000 "$IT_DIR/.it/export.err")"
    ! grep -v '^snag: warning: ' "$IT_DIR/.it/export.err" >/dev/null ||
        fail "snag export $1 printed more than warnings: $(head -c 2000 "$IT_DIR/.it/export.err")"
}

# check_export OUT DURATION_NS SUMMARY [SLICES]: check_chrome_trace.py on
# OUT (every event within DURATION_NS); its summary (JSON) into SUMMARY, the
# slices and arrows into SLICES.
check_export()
{
    python3 "$CHECKER" "$1" "$2" ${4:+"$4"} >"$3" 2>"$IT_DIR/.it/check.err" ||
        fail "$1 is not a valid Chrome trace: $(head -c 3000 "$IT_DIR/.it/check.err")"
}

# count SUMMARY KEY LABEL: the summary's KEY (holds, waits, flows, ...) for LABEL, 0 if absent.
count()
{
    jqr "$1" '.[$k][$l] // 0' --arg k "$2" --arg l "$3"
}
