#!/bin/sh
# A pyopencl script (python3-pyopencl) under snag run: its 3 kernel
# launches, 2 writes and 1 read are counted like a C program's.
. "$(dirname "$0")/opencl_lib.sh"

opencl_require "$SAMPLES/opencl_vector_add"
# The first python3 that has pyopencl: Debian's package installs it for /usr/bin/python3.
python=
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import pyopencl' 2>/dev/null; then python=$candidate; break; fi
done
[ -n "$python" ] || skip "no python3 here can import pyopencl (install python3-pyopencl)"
cat >script.py <<'PY'
import numpy as np
import pyopencl as cl

platform = cl.get_platforms()[0]
context = cl.Context([platform.get_devices()[0]])
queue = cl.CommandQueue(context)
program = cl.Program(context, """
__kernel void twice(__global const float *a, __global float *b) { int i = get_global_id(0); b[i] = 2 * a[i]; }
""").build()
host = np.arange(65536, dtype=np.float32)
flags = cl.mem_flags
device_in = cl.Buffer(context, flags.READ_ONLY, host.nbytes)
device_out = cl.Buffer(context, flags.WRITE_ONLY, host.nbytes)
cl.enqueue_copy(queue, device_in, host)
cl.enqueue_copy(queue, device_out, host)
for _ in range(3):
    program.twice(queue, host.shape, None, device_in, device_out)
result = np.empty_like(host)
cl.enqueue_copy(queue, result, device_out).wait()
print("ok" if (result == 2 * host).all() else "wrong")
PY
IT_RUN_TIMEOUT=150
snag_run_ok trace "$python" script.py
assert_eq "script output" ok "$(cat run.out)"
report_json trace report.json
assert_eq "twice launches" 3 "$(jqr report.json '.opencl.kernels[] | select(.name == "twice") | .launches')"
assert_eq "writes" "2 524288" "$(jqr report.json '.opencl.transfers[] | select(.kind == "write") | "\(.count) \(.bytes)"')"
assert_eq "reads" "1 262144" "$(jqr report.json '.opencl.transfers[] | select(.kind == "read") | "\(.count) \(.bytes)"')"
opencl_check_trace trace
