/* sem_pool: a worker pool throttled by a counting semaphore (sem_t slots): at most S jobs run at once. */
/*
 * usage: sem_pool [slots [threads [jobs]]]
 *        (defaults: 2 slots, 4 threads, 50 jobs per thread)
 *
 * Every job does sem_wait(&slots), ~200us of work while counting the current
 * holders (an atomic) and the most seen at once, then sem_post(&slots).
 * So slots is decremented (sem_wait) exactly threads*jobs times and posted
 * exactly threads*jobs times. The first job of each thread holds its slot
 * until min(slots, threads) holders have been seen together, which makes the
 * printed maximum exactly min(slots, threads) instead of timing dependent
 * (it can never exceed slots). Prints
 * "max_concurrency=<min(slots,threads)> jobs=<threads*jobs>" (max 0 when jobs is 0).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample_args.h"

#define DEFAULT_SLOTS 2L
#define DEFAULT_THREADS 4L
#define DEFAULT_JOBS 50L
#define MAX_SLOTS 1024L
#define MAX_THREADS 256L
#define MAX_JOBS 1000000L
#define JOB_MICROSECONDS 200

static sem_t slots;

static atomic_long current_holders;
static atomic_long max_holders_seen;
static atomic_long jobs_done;

static long jobs_per_thread = DEFAULT_JOBS;
static long rendezvous_target; /* min(slots, threads); set before any thread starts */

static void note_holders(long holders)
{
    long seen = atomic_load(&max_holders_seen);
    while (holders > seen && !atomic_compare_exchange_weak(&max_holders_seen, &seen, holders))
        ;
}

/* One job: take a slot, work while holding it, give it back. */
__attribute__((noinline)) static void run_pooled_job(int first_job)
{
    while (sem_wait(&slots) != 0) {
        if (errno != EINTR) {
            perror("sem_wait");
            exit(1);
        }
    }
    note_holders(atomic_fetch_add(&current_holders, 1) + 1);
    if (first_job) {
        /* Hold this slot until the pool has been full once (see the header). */
        while (atomic_load(&max_holders_seen) < rendezvous_target)
            usleep(50);
    }
    usleep(JOB_MICROSECONDS);
    atomic_fetch_add(&jobs_done, 1);
    atomic_fetch_sub(&current_holders, 1);
    sem_post(&slots);
}

__attribute__((noinline)) static void *pool_worker(void *unused)
{
    (void)unused;
    for (long j = 0; j < jobs_per_thread; j++)
        run_pooled_job(j == 0);
    return NULL;
}

int main(int argc, char **argv)
{
    long slot_count, threads, jobs;
    const struct sample_arg args[] = { /* the positional arguments, in order */
        {"slots", 1, MAX_SLOTS, DEFAULT_SLOTS, "semaphore initial value", &slot_count},
        {"threads", 1, MAX_THREADS, DEFAULT_THREADS, NULL, &threads},
        {"jobs", 0, MAX_JOBS, DEFAULT_JOBS, "per thread", &jobs},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    jobs_per_thread = jobs;
    rendezvous_target = slot_count < threads ? slot_count : threads;

    if (sem_init(&slots, 0, (unsigned)slot_count) != 0) {
        perror("sem_init");
        return 1;
    }
    pthread_t workers[MAX_THREADS];
    for (long t = 0; t < threads; t++) {
        int rc = pthread_create(&workers[t], NULL, pool_worker, NULL);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long t = 0; t < threads; t++)
        pthread_join(workers[t], NULL);
    sem_destroy(&slots);

    long max_seen = atomic_load(&max_holders_seen);
    long done = atomic_load(&jobs_done);
    printf("max_concurrency=%ld jobs=%ld\n", max_seen, done);
    if (max_seen > slot_count || done != threads * jobs)
        return 1;
    return 0;
}
