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
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_THREADS 2L
#define DEFAULT_ITERATIONS 100000L
#define MAX_THREADS 1024L
#define MAX_ITERATIONS 100000000L
#define WORK_STEPS 32 /* arithmetic steps done while holding the lock */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t shared_counter;         /* protected by counter_lock */
static volatile unsigned shared_scratch; /* protected by counter_lock */

static long iterations_per_thread = DEFAULT_ITERATIONS;

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
            "usage: %s [threads [iterations]]\n"
            "  threads     1..%ld (default %ld)\n"
            "  iterations  0..%ld per thread (default %ld)\n",
            prog, MAX_THREADS, DEFAULT_THREADS, MAX_ITERATIONS, DEFAULT_ITERATIONS);
}

/* Parses a plain decimal number in [min, max]; returns 0 on success. */
static int parse_count(const char *text, long min, long max, long *out)
{
    if (text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    char *end;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

/* One critical section: lock, a few dozen steps of work, increment, unlock. */
__attribute__((noinline)) static void increment_shared_counter(void)
{
    pthread_mutex_lock(&counter_lock);
    for (unsigned step = 0; step < WORK_STEPS; step++)
        shared_scratch = shared_scratch * 31u + step;
    shared_counter++;
    pthread_mutex_unlock(&counter_lock);
}

__attribute__((noinline)) static void *hot_lock_worker(void *unused)
{
    (void)unused;
    for (long i = 0; i < iterations_per_thread; i++)
        increment_shared_counter();
    return NULL;
}

int main(int argc, char **argv)
{
    long threads = DEFAULT_THREADS;
    long iterations = DEFAULT_ITERATIONS;

    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout, argv[0]);
        return 0;
    }
    if (argc > 3 || (argc > 1 && parse_count(argv[1], 1, MAX_THREADS, &threads) != 0) ||
        (argc > 2 && parse_count(argv[2], 0, MAX_ITERATIONS, &iterations) != 0)) {
        usage(stderr, argv[0]);
        return 2;
    }
    iterations_per_thread = iterations;

    pthread_t *workers = calloc((size_t)threads, sizeof *workers);
    if (workers == NULL) {
        perror("calloc");
        return 1;
    }
    for (long t = 0; t < threads; t++) {
        int rc = pthread_create(&workers[t], NULL, hot_lock_worker, NULL);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long t = 0; t < threads; t++)
        pthread_join(workers[t], NULL);
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
