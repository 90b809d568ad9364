/* join_under_lock: main joins a worker while holding the lock the worker needs to finish (run it under snag). */
/*
 * The worker must take state_lock to publish its result; main takes
 * state_lock, then waits for the worker to end: each waits for the other.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t main_holds_lock;
static int result;

__attribute__((noinline)) static void publish_result(int value)
{
    pthread_mutex_lock(&state_lock);
    result = value;
    pthread_mutex_unlock(&state_lock);
}

static void *worker(void *unused)
{
    (void)unused;
    pthread_barrier_wait(&main_holds_lock);
    publish_result(42);
    return NULL;
}

__attribute__((noinline)) static void stop_worker(pthread_t thread)
{
    pthread_mutex_lock(&state_lock);
    pthread_barrier_wait(&main_holds_lock);
    pthread_join(thread, NULL); /* with state_lock held */
    pthread_mutex_unlock(&state_lock);
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_barrier_init(&main_holds_lock, NULL, 2);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    pthread_setname_np(thread, "worker");
    stop_worker(thread);
    printf("result=%d\n", result);
    return 0;
}
