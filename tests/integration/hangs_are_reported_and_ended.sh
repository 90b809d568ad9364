#!/bin/sh
# A process whose threads have all been blocked longer than --hang-timeout,
# in waits none of them can end (a lost condvar wakeup, a barrier waiting for
# a thread that never comes), is reported with what each thread waits on,
# and ended: snag run exits 121.
. "$(dirname "$0")/lib.sh"

with_timeout 30 "$SNAG" run -q --hang-timeout=1 -o lost.trace -- "$SAMPLES/lost_wakeup" >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "lost_wakeup ends with snag's hang status" 121
assert_file_has run.err "snag: HANG in process" "the hang report"
assert_file_has run.err "(consumer) waits on condition variable" "the consumer"
assert_file_has run.err "joins thread" "main joining the consumer"
assert_file_has run.err "snag: ended process" "the ending"
assert_eq "nothing printed: it never got that far" "" "$(cat run.out)"
report_json lost.trace lost.json
assert_eq "the finding" "hang/lost_wakeup" "$(jqr lost.json '[.findings[] | "\(.kind)/\(.subkind)"] | join(",")')"
case $(jqr lost.json '.findings[0].message') in
*"waits on item_ready at consume (lost_wakeup.c:"*"last signalled by thread "*" at produce (lost_wakeup.c:"*"before it began to wait"*) ;;
*) fail "the lost wake-up is not explained: $(jqr lost.json '.findings[0].message')" ;;
esac

with_timeout 30 "$SNAG" run -q --hang-timeout=1 -o barrier.trace -- "$SAMPLES/barrier_one_too_many" >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "barrier_one_too_many ends with snag's hang status" 121
assert_eq "both workers wait at the barrier" 2 "$(grep -c 'waits at barrier' run.err)"
report_json barrier.trace barrier.json
assert_eq "the finding" "hang/all_threads_blocked" "$(jqr barrier.json '[.findings[] | "\(.kind)/\(.subkind)"] | join(",")')"
assert_eq "its threads" 3 "$(jqr barrier.json '.findings[0].threads | length')"

# A hang shorter than the timeout is no hang: the program ends by itself.
with_timeout 30 "$SNAG" run -q --hang-timeout=1 -o sleeper.trace -- python3 -c '
import threading, time
done = threading.Event()
threading.Timer(0.3, done.set).start()
done.wait()
print("woke")' >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "a short wait" 0
assert_eq "output" "woke" "$(cat run.out)"

# A process blocked on a process-shared semaphore can be woken by another
# process: not a hang, however long it waits.
cat >shared_wait.c <<'C'
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    sem_t *ready = mmap(NULL, sizeof *ready, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    sem_init(ready, 1, 0);
    pid_t child = fork();
    if (child == 0) {
        sem_wait(ready); /* the parent posts it in 2 s */
        _exit(7);
    }
    sleep(2);
    sem_post(ready);
    int status;
    waitpid(child, &status, 0);
    printf("child %d\n", WEXITSTATUS(status));
    return 0;
}
C
"$CC_BIN" -o shared_wait shared_wait.c -pthread || fail "cannot compile shared_wait.c"
with_timeout 30 "$SNAG" run -q --hang-timeout=1 -o shared.trace -- ./shared_wait >run.out 2>run.err
RUN_STATUS=$?
assert_run_status "a wait on a process-shared semaphore" 0
assert_eq "the child was woken by its parent" "child 7" "$(cat run.out)"
if grep -q HANG run.err; then fail "a process-shared wait was called a hang: $(cat run.err)"; fi

# A stopped process (Ctrl-Z, a debugger) is no hang, even when every thread
# was in an untimed wait when it stopped: here the wait ends by a signal
# that arrives while it is stopped and is handled once it continues (a
# wake-up snag cannot see; without the stop it would be called a hang).
cat >stopped_wait.c <<'C'
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static sem_t alarmed;
static void on_alarm(int signal_number)
{
    (void)signal_number;
    sem_post(&alarmed);
}
int main(void)
{
    sem_init(&alarmed, 0, 0);
    signal(SIGALRM, on_alarm);
    FILE *ready = fopen("waiting.tmp", "w");
    if (!ready) return 2;
    fprintf(ready, "%d\n", (int)getpid());
    fclose(ready);
    rename("waiting.tmp", "waiting");
    alarm(4);
    while (sem_wait(&alarmed) != 0) {
    }
    puts("alarmed");
    return 0;
}
C
"$CC_BIN" -o stopped_wait stopped_wait.c -pthread || fail "cannot compile stopped_wait.c"
with_timeout 60 "$SNAG" run -q --hang-timeout=2 -o stopped.trace -- ./stopped_wait >run.out 2>run.err &
run_pid=$!
tries=0
while [ ! -s waiting ] && [ $tries -lt 300 ]; do
    sleep 0.1
    tries=$((tries + 1))
done
[ -s waiting ] || fail "stopped_wait never got to its wait: $(cat run.err)"
kill -STOP "$(cat waiting)"
sleep 5
kill -CONT "$(cat waiting)"
wait $run_pid
RUN_STATUS=$?
assert_run_status "a process stopped for longer than the hang timeout" 0
assert_eq "it went on once continued" "alarmed" "$(cat run.out)"
if grep -q HANG run.err; then fail "a stopped process was called a hang: $(cat run.err)"; fi
