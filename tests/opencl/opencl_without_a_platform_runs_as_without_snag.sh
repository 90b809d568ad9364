#!/bin/sh
# With no OpenCL platform (ocl-icd pointed at an empty vendor directory),
# an OpenCL program under snag run exits as it does without snag (77: "no
# platform"), with the same message, and its trace reads fine with no
# OpenCL commands.
. "$(dirname "$0")/opencl_lib.sh"

[ -x "$SAMPLES/opencl_vector_add" ] || skip "opencl_vector_add was not built: CMake found no OpenCL headers and library"
mkdir vendors
OCL_ICD_VENDORS=$IT_DIR/vendors
export OCL_ICD_VENDORS
timeout 60 "$SAMPLES/opencl_vector_add" >native.out 2>native.err
native=$?
snag_run trace "$SAMPLES/opencl_vector_add"
assert_run_status "status under snag, as without it ($native)" "$native"
assert_eq "stderr under snag" "$(cat native.err)" "$(cat run.err)"
report_json trace report.json
assert_eq "device commands" 0 "$(jqr report.json '.opencl.commands')"
assert_eq "kernels" 0 "$(jqr report.json '.opencl.kernels | length')"
