#!/bin/sh
# A program that execs with an environment of its own (env -i, execve with a
# fresh envp) stays traced: the shim puts snag's variables back, so the
# processes behind env -i appear in the trace with their exit statuses.
. "$(dirname "$0")/lib.sh"

snag_run_ok trace sh -c 'env -i /bin/sh -c "ls / >/dev/null; exit 5"; echo after'
assert_eq "output" "after" "$(cat run.out)"
report_json trace report.json
# env's image is replaced by /bin/sh; that shell runs ls and exits 5.
shell=$(jqr report.json '[.processes[] | select(.argv[0] == "/bin/sh" and .argv[1] == "-c"
        and (.argv[2] | startswith("ls /")))] | map(.exit.status) | map(tostring) | join(",")') || exit 1
assert_eq "exit status of the shell started by env -i" "5" "$shell"
ls_images=$(jqr report.json '[.processes[] | select(.argv[0] == "ls")] | length') || exit 1
assert_eq "ls run by the shell behind env -i is traced" 1 "$ls_images"

# Each image names its place in the pid's exec chain: env's image is
# replaced by /bin/sh, the next image of the same pid.
env_image=$(jqr report.json '.processes[] | select(.argv[0] == "env") | "\(.pid) \(.image) \(.exec_from)"') || exit 1
env_pid=${env_image%% *}
assert_eq "env's image: first of its pid, exec'd from nothing traced" "$env_pid 0 null" "$env_image"
assert_eq "the shell env exec'd into" "1 {\"pid\":$env_pid,\"image\":0}" \
    "$(jqr report.json ".processes[] | select(.pid == $env_pid and .argv[0] == \"/bin/sh\") | \"\(.image) \(.exec_from | tojson)\"")"

# A chain of two execs in one pid: sh -> env -> true, images 0, 1, 2.
snag_run_ok chain sh -c 'exec env true'
report_json chain chain.json
assert_eq "images of sh -c 'exec env true'" 'sh:0:null env:1:0 true:2:1' \
    "$(jqr chain.json '[.processes[] | "\(.argv[0]):\(.image):\(.exec_from.image)"] | join(" ")')"
assert_eq "one pid for the whole chain" 1 "$(jqr chain.json '[.processes[].pid] | unique | length')"
