#!/bin/sh
# A program whose signal handler posts a semaphore (async-signal-safe, the
# usual way to wake a thread from a handler) while the thread it interrupts
# runs a lock loop: every post and every acquisition is in the trace, exactly.
# The handler lands anywhere in the shim: halfway through a lock or unlock
# record, or while the thread's chunk is being copied out and renewed (which
# lost ~40% of the posts before signals were held off there).
. "$(dirname "$0")/lib.sh"

cat >post_from_handler.c <<'C'
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t loop_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t handler_sem;
static volatile sig_atomic_t handled;
static atomic_int done;
static pthread_t main_thread;

static void on_signal(int signo)
{
    (void)signo;
    sem_post(&handler_sem);
    handled++;
}

/* Signals the main thread as fast as it can until told to stop. */
static void *kicker(void *arg)
{
    (void)arg;
    while (!atomic_load(&done)) {
        pthread_kill(main_thread, SIGUSR1);
        for (volatile int spin = 0; spin < 2000; spin++) {}
    }
    return NULL;
}

static __attribute__((noinline)) void lock_loop(long pairs)
{
    for (long index = 0; index < pairs; index++) {
        pthread_mutex_lock(&loop_lock);
        pthread_mutex_unlock(&loop_lock);
    }
}

int main(int argc, char **argv)
{
    long pairs = argc > 1 ? atol(argv[1]) : 5000000;
    sem_init(&handler_sem, 0, 0);
    struct sigaction action = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&action.sa_mask);
    sigaction(SIGUSR1, &action, NULL);
    main_thread = pthread_self();
    /* The loop's first acquisition captures a stack (a slow first unwind):
     * made before the signals start. */
    lock_loop(1);
    pthread_t thread;
    pthread_create(&thread, NULL, kicker, NULL);
    /* At least `pairs`, and on until 1000 signals have landed (a loaded
     * machine gives the kicker little time), within 40 times as many. */
    long taken = 1;
    while (taken < 40 * pairs && (taken < pairs || handled < 1000)) {
        lock_loop(100000);
        taken += 100000;
    }
    /* No handler runs after this: the join below waits with no signal. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, NULL);
    atomic_store(&done, 1);
    pthread_join(thread, NULL);
    int value = 0;
    sem_getvalue(&handler_sem, &value);
    printf("pairs=%ld handled=%d posted=%d\n", taken, (int)handled, value);
    return 0;
}
C
"$CC_BIN" -O2 -o post_from_handler post_from_handler.c -pthread >cc.log 2>&1 ||
    fail "cannot compile post_from_handler.c: $(cat cc.log)"

snag_run_ok trace ./post_from_handler 5000000
pairs=$(sed -n 's/^pairs=\([0-9]*\) handled=\([0-9]*\) posted=\2$/\1/p' run.out)
handled=$(sed -n 's/^pairs=\([0-9]*\) handled=\([0-9]*\) posted=\2$/\2/p' run.out)
[ -n "$handled" ] || fail "post_from_handler printed '$(cat run.out)', expected pairs=P handled=N posted=N"
assert_int -ge "signals handled during the lock loop (too few to test anything)" "$handled" 100

with_timeout 60 "$SNAG" report --json --all trace >report.json 2>report.err
status=$?
assert_eq "snag report: exit status (stderr: $(head -c 1000 report.err))" 0 "$status"
[ ! -s report.err ] || fail "snag report warned about the trace: $(head -c 1000 report.err)"
assert_eq "loop_lock acquisitions" "$pairs" "$(lock_field report.json loop_lock acquisitions)"
assert_eq "handler_sem posts (one per handled signal)" "$handled" "$(lock_field report.json handler_sem signals)"
note "$handled posts from the signal handler and $pairs lock pairs, all recorded"
