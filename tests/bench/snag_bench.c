/* snag_bench: the micro-benchmarks of tests/bench. One process runs one
 * benchmark and times only its loop, so start-up, the shim's clock
 * calibration and trace-file creation are never in the figure; the driver
 * (run_benchmarks.sh) runs the same binary natively and under libsnag.so and
 * compares.
 *
 * usage: snag_bench MODE ITERATIONS [WARMUP]
 *   mutex      one thread: pthread_mutex_lock + unlock on one mutex   (per pair)
 *   contended  two threads, each ITERATIONS lock + unlock pairs on one mutex
 *              (per pair, i.e. elapsed / (2 * ITERATIONS))
 *   condvar    two threads hand a turn back and forth with a mutex and two
 *              condition variables                                   (per round trip)
 *   semturn    two threads hand a turn back and forth on two semaphores
 *              used as locks, each waiting for a token it took itself, as
 *              Python's Condition does                             (per round trip)
 *   sem        one thread: sem_wait + sem_post on one semaphore      (per pair)
 *   rwlock     one thread: pthread_rwlock_rdlock + unlock            (per pair)
 *   handoff    two threads hand one mutex back and forth so that every
 *              acquisition finds it held and blocks: under the shim each is
 *              a WAIT with a stack capture                           (per acquisition)
 *   clock      reads the clock the shim timestamps with (the TSC on x86,
 *              else CLOCK_MONOTONIC), no locks: what the two timestamps of a
 *              traced pair cost at least on this machine          (per read)
 * WARMUP untimed operations run first (default min(ITERATIONS / 10, 100000)).
 *
 * Prints one line:
 *   snag_bench mode=M iterations=N warmup=W ops=N ns_total=T ns_per_op=X
 *
 * The loops are separate noinline functions (bench_*_loop) so that a profiler
 * can count just them (valgrind --toggle-collect); every lock call goes through
 * the PLT, so LD_PRELOAD reaches it. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#define NOINLINE __attribute__((noinline))

static uint64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void die(const char *what, int error)
{
    fprintf(stderr, "snag_bench: %s: %s\n", what, strerror(error));
    exit(1);
}

/* ---- uncontended mutex ---- */

static pthread_mutex_t the_mutex = PTHREAD_MUTEX_INITIALIZER;

NOINLINE void bench_mutex_loop(pthread_mutex_t *mutex, long iterations)
{
    for (long index = 0; index < iterations; index++) {
        pthread_mutex_lock(mutex);
        pthread_mutex_unlock(mutex);
    }
}

static uint64_t run_mutex(long iterations, long warmup)
{
    bench_mutex_loop(&the_mutex, warmup);
    uint64_t start = now_ns();
    bench_mutex_loop(&the_mutex, iterations);
    return now_ns() - start;
}

/* ---- the shim's clock alone ---- */

NOINLINE uint64_t bench_clock_loop(long iterations)
{
    uint64_t sum = 0;
    for (long index = 0; index < iterations; index++) {
#if defined(__x86_64__) || defined(__i386__)
        sum += __rdtsc();
#else
        sum += now_ns();
#endif
    }
    return sum;
}

static uint64_t run_clock(long iterations, long warmup)
{
    volatile uint64_t sink = bench_clock_loop(warmup);
    uint64_t start = now_ns();
    sink = bench_clock_loop(iterations);
    (void)sink;
    return now_ns() - start;
}

/* ---- nested mutexes, always in one order (the lock-order analysis's steady state) ---- */

static pthread_mutex_t outer_mutex = PTHREAD_MUTEX_INITIALIZER, inner_mutex = PTHREAD_MUTEX_INITIALIZER;

NOINLINE void bench_nested_loop(long iterations)
{
    for (long index = 0; index < iterations; index++) {
        pthread_mutex_lock(&outer_mutex);
        pthread_mutex_lock(&inner_mutex);
        pthread_mutex_unlock(&inner_mutex);
        pthread_mutex_unlock(&outer_mutex);
    }
}

static uint64_t run_nested(long iterations, long warmup)
{
    bench_nested_loop(warmup);
    uint64_t start = now_ns();
    bench_nested_loop(iterations);
    return now_ns() - start;
}

/* ---- two threads on one mutex ---- */

static atomic_int go;
static long contended_iterations;
static volatile uint64_t contended_counter; /* protected by the_mutex */

NOINLINE void bench_contended_loop(pthread_mutex_t *mutex, long iterations)
{
    for (long index = 0; index < iterations; index++) {
        pthread_mutex_lock(mutex);
        contended_counter = contended_counter + 1;
        pthread_mutex_unlock(mutex);
    }
}

static void *contended_worker(void *argument)
{
    (void)argument;
    while (!atomic_load_explicit(&go, memory_order_acquire)) {
    }
    bench_contended_loop(&the_mutex, contended_iterations);
    return NULL;
}

static uint64_t run_contended(long iterations, long warmup)
{
    bench_contended_loop(&the_mutex, warmup);
    contended_iterations = iterations;
    pthread_t threads[2];
    for (int index = 0; index < 2; index++) {
        int error = pthread_create(&threads[index], NULL, contended_worker, NULL);
        if (error) die("pthread_create", error);
    }
    uint64_t start = now_ns();
    atomic_store_explicit(&go, 1, memory_order_release);
    for (int index = 0; index < 2; index++) pthread_join(threads[index], NULL);
    uint64_t elapsed = now_ns() - start;
    if (contended_counter != (uint64_t)(warmup + 2 * iterations)) {
        fprintf(stderr, "snag_bench: contended counter is %llu, expected %llu\n",
                (unsigned long long)contended_counter, (unsigned long long)(warmup + 2 * iterations));
        exit(1);
    }
    return elapsed;
}

/* ---- blocking hand-off: every acquisition contended ---- */

static pthread_mutex_t handoff_mutex = PTHREAD_MUTEX_INITIALIZER;
static atomic_long handoff_announced; /* the round whose waiter is about to lock */
static atomic_long handoff_taken;     /* the round whose waiter got the mutex */
static long handoff_rounds, handoff_warmup;
static uint64_t handoff_start_ns;

/* Round r: the holder (thread r % 2) waits until the other thread
 * announces it is about to lock, gives it time to find the mutex held, and
 * unlocks, then waits until the waiter has it (else it could take it back
 * first); the waiter holds it for round r + 1. Thread 0 starts holding it. */
static NOINLINE void bench_handoff_loop(int me)
{
    for (long round = 0; round < handoff_rounds; round++) {
        if (me == 0 && round == handoff_warmup) handoff_start_ns = now_ns();
        if (round % 2 == me) {
            /* yield, not spin: on a busy machine the other thread needs the CPU */
            while (atomic_load_explicit(&handoff_announced, memory_order_acquire) != round + 1) sched_yield();
            for (int pause = 0; pause < 3; pause++) sched_yield(); /* let it reach the lock and block */
            pthread_mutex_unlock(&handoff_mutex);
            while (atomic_load_explicit(&handoff_taken, memory_order_acquire) != round + 1) sched_yield();
        } else {
            atomic_store_explicit(&handoff_announced, round + 1, memory_order_release);
            pthread_mutex_lock(&handoff_mutex);
            atomic_store_explicit(&handoff_taken, round + 1, memory_order_release);
        }
    }
}

static void *handoff_partner(void *argument)
{
    (void)argument;
    bench_handoff_loop(1);
    return NULL;
}

static uint64_t run_handoff(long iterations, long warmup)
{
    handoff_warmup = warmup + (warmup + iterations) % 2; /* even: thread 0 holds the mutex at the end */
    handoff_rounds = handoff_warmup + iterations;
    pthread_mutex_lock(&handoff_mutex);
    pthread_t partner;
    int error = pthread_create(&partner, NULL, handoff_partner, NULL);
    if (error) die("pthread_create", error);
    bench_handoff_loop(0);
    pthread_join(partner, NULL);
    uint64_t elapsed = now_ns() - handoff_start_ns;
    pthread_mutex_unlock(&handoff_mutex); /* an even number of rounds leaves it with thread 0 */
    return elapsed;
}

/* ---- condition-variable ping-pong ---- */

static pthread_cond_t turn_changed[2] = {PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
static int turn; /* whose move: 0 or 1; protected by the_mutex */

/* One side of the game: wait for our turn, pass it to the other side. */
NOINLINE void bench_condvar_loop(int side, long rounds)
{
    for (long index = 0; index < rounds; index++) {
        pthread_mutex_lock(&the_mutex);
        while (turn != side) pthread_cond_wait(&turn_changed[side], &the_mutex);
        turn = 1 - side;
        pthread_cond_signal(&turn_changed[1 - side]);
        pthread_mutex_unlock(&the_mutex);
    }
}

static long condvar_rounds;

static void *condvar_partner(void *argument)
{
    (void)argument;
    bench_condvar_loop(1, condvar_rounds);
    return NULL;
}

static uint64_t run_condvar_rounds(long rounds)
{
    condvar_rounds = rounds;
    pthread_t partner;
    int error = pthread_create(&partner, NULL, condvar_partner, NULL);
    if (error) die("pthread_create", error);
    uint64_t start = now_ns();
    bench_condvar_loop(0, rounds);
    pthread_join(partner, NULL);
    return now_ns() - start;
}

static uint64_t run_condvar(long iterations, long warmup)
{
    if (warmup) run_condvar_rounds(warmup);
    return run_condvar_rounds(iterations);
}

/* ---- a turn handed back and forth on semaphores used as locks, the way
 * Python's Condition waits: each side waits for a token it took itself and
 * the other side posts it. Under the shim every such wait is a cycle through
 * a semaphore, which is a deadlock only if every thread is blocked: the
 * detector has to look, and must not pause the program to do so. ---- */

static sem_t turn_tokens[2];
static long semturn_rounds;

/* Side 0 passes the turn, then waits for it back; side 1 the other way round. */
NOINLINE void bench_semturn_loop(int side, long rounds)
{
    sem_t *mine = &turn_tokens[side], *theirs = &turn_tokens[1 - side];
    for (long index = 0; index < rounds; index++) {
        if (side == 0) sem_post(theirs);
        while (sem_wait(mine) != 0) {
        }
        if (side == 1) sem_post(theirs);
    }
}

static void *semturn_partner(void *argument)
{
    (void)argument;
    while (sem_wait(&turn_tokens[1]) != 0) {
    }
    bench_semturn_loop(1, semturn_rounds);
    return NULL;
}

static uint64_t run_semturn_rounds(long rounds)
{
    semturn_rounds = rounds;
    /* initialised to 1: locks, as CPython's; each side takes its own first */
    for (int side = 0; side < 2; side++)
        if (sem_init(&turn_tokens[side], 0, 1) != 0) die("sem_init", errno);
    while (sem_wait(&turn_tokens[0]) != 0) {
    }
    pthread_t partner;
    int error = pthread_create(&partner, NULL, semturn_partner, NULL);
    if (error) die("pthread_create", error);
    uint64_t start = now_ns();
    bench_semturn_loop(0, rounds);
    pthread_join(partner, NULL);
    uint64_t elapsed = now_ns() - start;
    for (int side = 0; side < 2; side++) sem_destroy(&turn_tokens[side]);
    return elapsed;
}

static uint64_t run_semturn(long iterations, long warmup)
{
    if (warmup) run_semturn_rounds(warmup);
    return run_semturn_rounds(iterations);
}

/* ---- semaphore used as a lock (CPython's lock path) ---- */

static sem_t the_semaphore;

NOINLINE void bench_sem_loop(sem_t *semaphore, long iterations)
{
    for (long index = 0; index < iterations; index++) {
        while (sem_wait(semaphore) != 0 && errno == EINTR) {
        }
        sem_post(semaphore);
    }
}

static uint64_t run_sem(long iterations, long warmup)
{
    if (sem_init(&the_semaphore, 0, 1) != 0) die("sem_init", errno);
    bench_sem_loop(&the_semaphore, warmup);
    uint64_t start = now_ns();
    bench_sem_loop(&the_semaphore, iterations);
    uint64_t elapsed = now_ns() - start;
    sem_destroy(&the_semaphore);
    return elapsed;
}

/* ---- uncontended read lock ---- */

static pthread_rwlock_t the_rwlock = PTHREAD_RWLOCK_INITIALIZER;

NOINLINE void bench_rwlock_loop(pthread_rwlock_t *rwlock, long iterations)
{
    for (long index = 0; index < iterations; index++) {
        pthread_rwlock_rdlock(rwlock);
        pthread_rwlock_unlock(rwlock);
    }
}

static uint64_t run_rwlock(long iterations, long warmup)
{
    bench_rwlock_loop(&the_rwlock, warmup);
    uint64_t start = now_ns();
    bench_rwlock_loop(&the_rwlock, iterations);
    return now_ns() - start;
}

/* ---- threads: create, one lock+unlock, join (a thread per task) ---- */

static void *locking_task(void *argument)
{
    pthread_mutex_lock(argument);
    pthread_mutex_unlock(argument);
    return NULL;
}

static uint64_t run_threads(long iterations, long warmup)
{
    uint64_t start = 0;
    for (long index = -warmup; index < iterations; index++) {
        if (index == 0) start = now_ns();
        pthread_t thread;
        int error = pthread_create(&thread, NULL, locking_task, &the_mutex);
        if (error) die("pthread_create", error);
        error = pthread_join(thread, NULL);
        if (error) die("pthread_join", error);
    }
    return now_ns() - start;
}

/* ---- processes: fork+exit and fork+exec+exit round trips ---- */

static uint64_t run_children(long iterations, long warmup, int exec_true)
{
    uint64_t start = 0;
    for (long index = -warmup; index < iterations; index++) {
        if (index == 0) start = now_ns();
        pid_t child = fork();
        if (child < 0) die("fork", errno);
        if (child == 0) {
            if (exec_true) {
                execl("/bin/true", "true", (char *)NULL);
                _exit(127);
            }
            _exit(0);
        }
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("child", ECHILD);
    }
    return now_ns() - start;
}

static uint64_t run_fork_exit(long iterations, long warmup)
{
    return run_children(iterations, warmup, 0);
}

static uint64_t run_fork_exec(long iterations, long warmup)
{
    return run_children(iterations, warmup, 1);
}

/* ---- main ---- */

static const struct {
    const char *name;
    uint64_t (*run)(long iterations, long warmup);
    long ops_per_iteration; /* operations timed per iteration */
} modes[] = {
    {"mutex", run_mutex, 1},
    {"nested", run_nested, 1},
    {"contended", run_contended, 2},
    {"condvar", run_condvar, 1},
    {"semturn", run_semturn, 1},
    {"sem", run_sem, 1},
    {"rwlock", run_rwlock, 1},
    {"handoff", run_handoff, 1},
    {"threads", run_threads, 1},
    {"fork_exit", run_fork_exit, 1},
    {"fork_exec", run_fork_exec, 1},
    {"clock", run_clock, 1},
};

static int parse_count(const char *text, long *value)
{
    char *end;
    errno = 0;
    long parsed = strtol(text, &end, 10);
    if (errno || end == text || *end || parsed < 0 || parsed > 1000000000L) return -1;
    *value = parsed;
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: snag_bench MODE ITERATIONS [WARMUP]\nmodes:");
    for (size_t index = 0; index < sizeof modes / sizeof modes[0]; index++) fprintf(out, " %s", modes[index].name);
    fputc('\n', out);
}

int main(int argc, char **argv)
{
    long iterations, warmup;
    if (argc < 3 || argc > 4 || parse_count(argv[2], &iterations) != 0 || iterations == 0 ||
        (argc == 4 && parse_count(argv[3], &warmup) != 0)) {
        usage(stderr);
        return 2;
    }
    if (argc < 4) warmup = iterations / 10 < 100000 ? iterations / 10 : 100000;
    for (size_t index = 0; index < sizeof modes / sizeof modes[0]; index++) {
        if (strcmp(argv[1], modes[index].name) != 0) continue;
        uint64_t elapsed = modes[index].run(iterations, warmup);
        long ops = iterations * modes[index].ops_per_iteration;
        printf("snag_bench mode=%s iterations=%ld warmup=%ld ops=%ld ns_total=%llu ns_per_op=%.3f\n",
               modes[index].name, iterations, warmup, ops, (unsigned long long)elapsed, (double)elapsed / (double)ops);
        return 0;
    }
    usage(stderr);
    return 2;
}
