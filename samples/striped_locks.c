/* striped_locks: the fix for hot_lock -- one padded lock per thread (stripe_locks[]), no contention. */
/*
 * usage: striped_locks [threads [iterations]]  (defaults: 2 threads, 100000 iterations)
 *
 * Same total work as hot_lock, but thread i only ever increments stripe i,
 * protected by its own mutex stripe_locks[i]; locks and counters are padded
 * to a cache line each, so the threads share neither a lock nor a line.
 * At the end the main thread sums the stripes, taking each stripe lock once.
 * So stripe_locks[i] is acquired exactly iterations+1 times (iterations by
 * thread i, 1 by main). Prints "total=<threads*iterations>".
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sample_args.h"

#define DEFAULT_THREADS 2L
#define DEFAULT_ITERATIONS 100000L
#define MAX_THREADS 256L /* = number of stripes */
#define MAX_ITERATIONS 100000000L
#define WORK_STEPS 32 /* same work per critical section as hot_lock */
#define CACHE_LINE 64

struct padded_lock {
    alignas(CACHE_LINE) pthread_mutex_t lock;
};

struct padded_count {
    alignas(CACHE_LINE) uint64_t value;
    volatile unsigned scratch;
};

static struct padded_lock stripe_locks[MAX_THREADS]; /* stripe_locks[i].lock guards stripe_counts[i] */
static struct padded_count stripe_counts[MAX_THREADS];

static long iterations_per_thread = DEFAULT_ITERATIONS;

/* One critical section on this thread's own stripe. */
__attribute__((noinline)) static void increment_stripe_counter(long stripe)
{
    struct padded_count *count = &stripe_counts[stripe];

    pthread_mutex_lock(&stripe_locks[stripe].lock);
    for (unsigned step = 0; step < WORK_STEPS; step++)
        count->scratch = count->scratch * 31u + step;
    count->value++;
    pthread_mutex_unlock(&stripe_locks[stripe].lock);
}

__attribute__((noinline)) static void *striped_worker(void *arg)
{
    long stripe = (long)(intptr_t)arg;

    for (long i = 0; i < iterations_per_thread; i++)
        increment_stripe_counter(stripe);
    return NULL;
}

/* Main thread, at the end: each stripe lock taken exactly once. */
__attribute__((noinline)) static uint64_t sum_stripes(long stripes)
{
    uint64_t total = 0;

    for (long s = 0; s < stripes; s++) {
        pthread_mutex_lock(&stripe_locks[s].lock);
        total += stripe_counts[s].value;
        pthread_mutex_unlock(&stripe_locks[s].lock);
    }
    return total;
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

    for (long s = 0; s < threads; s++)
        pthread_mutex_init(&stripe_locks[s].lock, NULL);

    pthread_t workers[MAX_THREADS];
    for (long t = 0; t < threads; t++) {
        int rc = pthread_create(&workers[t], NULL, striped_worker, (void *)(intptr_t)t);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long t = 0; t < threads; t++)
        pthread_join(workers[t], NULL);

    uint64_t total = sum_stripes(threads);
    for (long s = 0; s < threads; s++)
        pthread_mutex_destroy(&stripe_locks[s].lock);

    uint64_t expected = (uint64_t)threads * (uint64_t)iterations;
    printf("total=%llu\n", (unsigned long long)total);
    if (total != expected) {
        fprintf(stderr, "striped_locks: expected %llu, got %llu\n", (unsigned long long)expected,
                (unsigned long long)total);
        return 1;
    }
    return 0;
}
