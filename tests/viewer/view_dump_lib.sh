# `snag view --dump` for tests, and reading its screens: sourced by
# viewer_lib.sh and by the OpenCL tests that look at the viewer, after
# ../integration/lib.sh (SNAG, IT_DIR, fail, with_timeout).

# view_dump OUT [ARGS...]: `snag view --dump ARGS > OUT`, which must exit 0
# within 60 s.
view_dump()
{
    vl_out=$1
    shift
    with_timeout 60 "$SNAG" view --dump "$@" >"$vl_out" 2>"$IT_DIR/.it/view.err"
    vl_status=$?
    [ "$vl_status" -eq 0 ] ||
        fail "snag view --dump $* exited $vl_status, expected 0; stderr: $(head -c 2000 "$IT_DIR/.it/view.err")"
}

# cursor_ns SCREEN: the cursor's time in nanoseconds, from the state panel's
# first line ("At 1.50 us (1500 ns)").
cursor_ns()
{
    sed -n 's/^.*At [^(]*(\([0-9][0-9]*\) ns).*$/\1/p' "$1" | head -n 1
}

# selected_row SCREEN: the selected lane's line (it starts with '>').
selected_row()
{
    grep '^>' "$1" | head -n 1
}
