#!/bin/sh
# Correct programs never trip the deadlock detector or the hang monitor:
# condvar wait loops, semaphore pools, rwlocks, contended locks, Python's
# Condition (a lock the waiting thread took itself and another releases),
# queue.Queue, a condition wait giving up a mutex others queue on, pigz and
# xz. --fail-on makes any such finding an exit status.
. "$(dirname "$0")/lib.sh"

runs=0
check()
{
    runs=$((runs + 1))
    with_timeout 120 "$SNAG" run -q --hang-timeout=2 --fail-on=deadlock,hang -o "trace$runs" -- "$@" >run.out 2>run.err
    RUN_STATUS=$?
    assert_run_status "$*" 0
    if grep -q 'DEADLOCK\|HANG' run.err; then fail "$*: $(cat run.err)"; fi
}

for sample in hot_lock striped_locks bounded_queue rwlock_cache sem_pool fork_with_atfork process_pool; do
    check "$SAMPLES/$sample"
done

cat >conditions.py <<'PY'
import queue, threading
items = queue.Queue(maxsize=4)
results = []
cond = threading.Condition()
def producer():
    for n in range(2000):
        items.put(n)
    items.put(None)
def consumer():
    while (n := items.get()) is not None:
        with cond:
            results.append(n)
            cond.notify_all()
threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads: t.start()
with cond:
    cond.wait_for(lambda: len(results) == 2000, timeout=60)
for t in threads: t.join()
print(len(results))
PY
check python3 conditions.py
assert_eq "python output" 2000 "$(cat run.out)"

# A condition wait that gives up the mutex another thread queues on, begun
# while a third thread waits on a semaphore it took itself (the shape of
# Python's Condition): the waiter checks, inside the shim and before the
# real call, whether everyone is blocked; the queued thread is not, since
# the wait is about to release its mutex.
cat >cond_hands_back.c <<'C'
/* A condition wait that gives up the mutex another thread is queued on,
 * begun while a third thread waits on a semaphore it took itself (as
 * Python's Condition does): the program is correct and ends by itself. */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t opened = PTHREAD_COND_INITIALIZER;
static sem_t waiter;
static int done;
static atomic_int waiter_tid, taker_tid, holder_has_gate;

static void pause_ms(long ms)
{
    struct timespec pause = {0, ms * 1000000L};
    nanosleep(&pause, NULL);
}

/* Until thread `tid` sleeps in the kernel, then a little longer. */
static void until_asleep(int tid)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    for (int tries = 0; tries < 5000; tries++) {
        FILE *file = fopen(path, "r");
        size_t got = file ? fread(text, 1, sizeof text - 1, file) : 0;
        if (file) fclose(file);
        text[got] = '\0';
        const char *end = strrchr(text, ')');
        if (end && end[1] == ' ' && end[2] == 'S') break;
        pause_ms(1);
    }
    pause_ms(50);
}

/* Takes its own token, then waits for it again: the taker posts it. */
static void *wait_on_own_token(void *unused)
{
    (void)unused;
    waiter_tid = gettid();
    sem_wait(&waiter);
    sem_wait(&waiter);
    return NULL;
}

/* Queues on the gate while the holder has it, opens the condition, frees the waiter. */
static void *take_gate(void *unused)
{
    (void)unused;
    taker_tid = gettid();
    while (!holder_has_gate) pause_ms(1);
    pthread_mutex_lock(&gate);
    done = 1;
    pthread_cond_signal(&opened);
    pthread_mutex_unlock(&gate);
    sem_post(&waiter);
    return NULL;
}

/* Holds the gate until the taker queues on it, then waits on the condition. */
static void *hold_gate(void *unused)
{
    (void)unused;
    while (!waiter_tid || !taker_tid) pause_ms(1);
    until_asleep(waiter_tid);
    pthread_mutex_lock(&gate);
    holder_has_gate = 1;
    until_asleep(taker_tid);
    while (!done) pthread_cond_wait(&opened, &gate);
    pthread_mutex_unlock(&gate);
    return NULL;
}

int main(void)
{
    sem_init(&waiter, 0, 1);
    pthread_t threads[3];
    pthread_create(&threads[0], NULL, wait_on_own_token, NULL);
    pthread_create(&threads[1], NULL, take_gate, NULL);
    pthread_create(&threads[2], NULL, hold_gate, NULL);
    for (int index = 0; index < 3; index++) pthread_join(threads[index], NULL);
    puts("handed over");
    return 0;
}
C
"$CC_BIN" -o cond_hands_back cond_hands_back.c -pthread || fail "cannot compile cond_hands_back.c"
check ./cond_hands_back
assert_eq "cond_hands_back output" "handed over" "$(cat run.out)"

head -c 20000000 /dev/urandom >data
check pigz -p 2 -k -f data
check xz -T2 -k -f -1 data
