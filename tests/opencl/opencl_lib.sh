# Helpers the OpenCL tests share, on top of tests/integration/lib.sh (which
# this sources): where the OpenCL programs are, a private PoCL kernel cache,
# and skipping with the reason when OpenCL is not there.
# shellcheck source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

# PoCL caches compiled kernels; each test gets its own cache, never the user's.
POCL_CACHE_DIR=$IT_DIR/pocl-cache
export POCL_CACHE_DIR
mkdir -p "$POCL_CACHE_DIR" || fail "cannot create $POCL_CACHE_DIR"

# opencl_require SAMPLE_PATH: skips when the program was not built (no OpenCL
# at configure time) or finds no OpenCL platform (it exits 77 then).
opencl_require()
{
    [ -x "$1" ] || skip "$(basename "$1") was not built: CMake found no OpenCL headers and library (ocl-icd-opencl-dev)"
    timeout 60 "$1" >"$IT_DIR/.it/probe.out" 2>"$IT_DIR/.it/probe.err"
    it_probe=$?
    [ "$it_probe" -ne 77 ] || skip "no OpenCL platform or device on this machine ($(head -c 300 "$IT_DIR/.it/probe.err")); install pocl-opencl-icd"
    [ "$it_probe" -eq 0 ] || fail "$(basename "$1") failed without snag (status $it_probe): $(head -c 1000 "$IT_DIR/.it/probe.err")"
}

OPENCL_PROGRAMS=${OPENCL_TEST_PROGRAMS:-}

# opencl_check_trace TRACE: every device command of TRACE is well formed (check_opencl_trace).
opencl_check_trace()
{
    [ -x "$OPENCL_PROGRAMS/check_opencl_trace" ] || fail "check_opencl_trace not built in '$OPENCL_PROGRAMS'"
    "$OPENCL_PROGRAMS/check_opencl_trace" "$1" >"$IT_DIR/check.out" 2>&1 ||
        fail "device commands of $1 are not well formed: $(head -c 2000 "$IT_DIR/check.out")"
}
