/* cancelled_holding_lock: main cancels a worker while it sleeps holding work_lock, with no cleanup handler to unlock it: misuse/cancelled_holding_lock. */
/*
 * do_work holds work_lock across a sleep, a cancellation point; main
 * cancels the worker there. No pthread_cleanup_push handler unlocks
 * work_lock, so it stays locked with no thread to unlock it: main's
 * trylock then finds it busy.
 *
 * usage: cancelled_holding_lock
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "sample_args.h"

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int working;

__attribute__((noinline)) static void *do_work(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&work_lock);
    atomic_store(&working, 1);
    for (;;) sleep(1); /* cancelled in here, work_lock held */
    return NULL;
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_t worker;
    pthread_create(&worker, NULL, do_work, NULL);
    while (!atomic_load(&working)) usleep(1000);
    pthread_cancel(worker);
    pthread_join(worker, NULL);
    printf("work_lock: %s\n", pthread_mutex_trylock(&work_lock) == 0 ? "free" : "still locked");
    return 0;
}
