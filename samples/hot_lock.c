/* hot_lock: N threads hammer ONE global mutex (counter_lock) -- a contended hot lock. */
/*
 * usage: hot_lock [threads [iterations]]    (defaults: 2 threads, 100000 iterations)
 *
 * Every thread calls increment_shared_counter() `iterations` times; each call
 * does exactly one pthread_mutex_lock/unlock of counter_lock (no trylock) and
 * a little arithmetic while holding it, so the lock is held often enough for
 * the threads to collide. counter_lock is acquired exactly threads*iterations
 * times; the program prints "counter=<threads*iterations>".
 * See striped_locks.c for the fixed version.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_args.h"

#define DEFAULT_THREADS 2L
#define DEFAULT_ITERATIONS 100000L
#define MAX_THREADS 1024L
#define MAX_ITERATIONS 100000000L
#define WORK_STEPS 32 /* arithmetic steps done while holding the lock */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared_counter;         /* protected by counter_lock */
static volatile unsigned shared_scratch; /* protected by counter_lock */

static long iterations_per_thread = DEFAULT_ITERATIONS;

/* One critical section: lock, a few dozen steps of work, increment, unlock. */
__attribute__((noinline)) static void increment_shared_counter(void)
{
    pthread_mutex_lock(&counter_lock);
    for (unsigned step = 0; step < WORK_STEPS; step++)
        shared_scratch = shared_scratch * 31u + step;
    shared_counter++;
    pthread_mutex_unlock(&counter_lock);
}

/* All workers start hammering together, so that they really contend even
 * on a busy machine where one might otherwise finish before the next starts. */
static pthread_barrier_t start_together;

__attribute__((noinline)) static void *hot_lock_worker(void *unused)
{
    (void)unused;
    pthread_barrier_wait(&start_together);
    for (long i = 0; i < iterations_per_thread; i++)
        increment_shared_counter();
    return NULL;
}

int main(int argc, char **argv)
{
    long threads, iterations;
    const struct sample_arg args[] = { /* the positional arguments, in order */
        {"threads", 1, MAX_THREADS, DEFAULT_THREADS, NULL, &threads},
        {"iterations", 0, MAX_ITERATIONS, DEFAULT_ITERATIONS, "per thread", &iterations},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    iterations_per_thread = iterations;

    pthread_t *workers = calloc((size_t)threads, sizeof *workers);
    if (workers == NULL) {
        perror("calloc");
        return 1;
    }
    pthread_barrier_init(&start_together, NULL, (unsigned)threads);
    for (long t = 0; t < threads; t++) {
        int rc = pthread_create(&workers[t], NULL, hot_lock_worker, NULL);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long t = 0; t < threads; t++)
        pthread_join(workers[t], NULL);
    pthread_barrier_destroy(&start_together);
    free(workers);

    /* All workers are joined: reading the counter needs no lock. */
    uint64_t expected = (uint64_t)threads * (uint64_t)iterations;
    printf("counter=%llu\n", (unsigned long long)shared_counter);
    if (shared_counter != expected) {
        fprintf(stderr, "hot_lock: expected %llu, got %llu\n", (unsigned long long)expected,
                (unsigned long long)shared_counter);
        return 1;
    }
    return 0;
}
