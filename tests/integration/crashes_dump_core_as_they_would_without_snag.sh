#!/bin/sh
# A program that dies of SIGSEGV or SIGABRT with core dumps enabled ends
# exactly as it would without snag: the same raw wait status (signal and
# core-dump bit) under the shim as natively, and a core file where the
# kernel would write one natively. `snag run` itself exits 128+N (it does
# not dump core itself: its own status has no core bit) and the report
# names the signal.
. "$(dirname "$0")/lib.sh"

ulimit -c unlimited 2>/dev/null || skip "cannot raise the core size limit (ulimit -c unlimited)"
core_pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
# Cores are files we can look for only when the pattern is a plain name
# relative to the crashing process's directory; a pipe (systemd-coredump,
# apport) or an absolute path elsewhere leaves the wait status's core bit
# as the evidence.
case $core_pattern in
'' | '|'* | /*) look_for_files=0 ;;
*) look_for_files=1 ;;
esac

cat >crash.c <<'CRASH'
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Takes a lock first, so that the shim has recorded something when it dies. */
int main(int argc, char **argv)
{
    pthread_mutex_lock(&lock);
    if (argc > 1 && strcmp(argv[1], "abort") == 0) abort();
    *(volatile int *)(argc > 9 ? (void *)argv : NULL) = 1; /* SIGSEGV */
    pthread_mutex_unlock(&lock);
    return 0;
}
CRASH
# Runs a command and prints its raw wait status as "signal N core C" or "exit N".
cat >wait_status.c <<'WAIT'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc;
    pid_t child = fork();
    if (child == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int status;
    if (child < 0 || waitpid(child, &status, 0) != child) return 2;
    if (WIFSIGNALED(status)) printf("signal %d core %d\n", WTERMSIG(status), WCOREDUMP(status) ? 1 : 0);
    else printf("exit %d\n", WEXITSTATUS(status));
    return 0;
}
WAIT
"$CC_BIN" -o crash crash.c -pthread >cc.log 2>&1 || fail "cannot compile crash.c: $(cat cc.log)"
"$CC_BIN" -o wait_status wait_status.c >cc.log 2>&1 || fail "cannot compile wait_status.c: $(cat cc.log)"

core_files()
{
    find "$1" -maxdepth 1 -name 'core*' -type f | wc -l
}

for case in segv:11 abort:6; do
    name=${case%%:*}
    number=${case#*:}
    mkdir "native_$name" "shim_$name" "run_$name" "trace_$name"
    native=$(cd "native_$name" && with_timeout 60 ../wait_status ../crash "$name")
    case $native in "signal $number core "*) ;; *) fail "natively, crash $name ended with '$native'" ;; esac
    # The same under the shim, recording.
    shimmed=$(cd "shim_$name" && SNAG_TRACE_DIR=$IT_DIR/trace_$name LD_PRELOAD=$SHIM \
        with_timeout 60 ../wait_status ../crash "$name")
    assert_eq "wait status of crash $name under the shim (native: $native)" "$native" "$shimmed"
    [ -n "$(ls "trace_$name")" ] || fail "the shim recorded nothing for crash $name"
    # Under snag run: 128+N, the program's core where it would natively be.
    (cd "run_$name" && snag_run "$IT_DIR/trace_run_$name" ../crash "$name" && echo "$RUN_STATUS" >status)
    assert_eq "snag run crash $name: exit status" $((128 + number)) "$(cat "run_$name/status")"
    report_json "trace_run_$name" "$name.json"
    assert_eq "report: crash $name" "{\"signal\":$number}" "$(jqr "$name.json" '.processes[0].exit | tojson')"
    if [ "$look_for_files" = 1 ]; then
        case $native in
        *"core 1") expected=1 ;;
        *) expected=0 ;;
        esac
        assert_eq "core files of crash $name natively" "$expected" "$(core_files "native_$name")"
        assert_eq "core files of crash $name under the shim" "$expected" "$(core_files "shim_$name")"
        assert_eq "core files of crash $name under snag run" "$expected" "$(core_files "run_$name")"
    else
        note "core_pattern '$core_pattern' is no plain file name: compared the wait statuses' core bits only"
    fi
done
