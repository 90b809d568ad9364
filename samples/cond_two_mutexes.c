/* cond_two_mutexes: two threads wait on ready_cond at the same time, one with queue_lock, the other with stats_lock: misuse/cond_two_mutexes. */
/*
 * POSIX binds a condvar to one mutex while threads wait on it; waiting on
 * it with two at once is undefined. Here wait_for_work waits with
 * queue_lock and wait_for_report with stats_lock; main broadcasts once
 * both are waiting.
 *
 * usage: cond_two_mutexes
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "sample_args.h"

static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int ready; /* set under both locks */
static atomic_int waiting;

__attribute__((noinline)) static void *wait_for_work(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&queue_lock);
    atomic_fetch_add(&waiting, 1);
    while (!ready) pthread_cond_wait(&ready_cond, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

__attribute__((noinline)) static void *wait_for_report(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&stats_lock);
    atomic_fetch_add(&waiting, 1);
    while (!ready) pthread_cond_wait(&ready_cond, &stats_lock);
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_t work, report;
    pthread_create(&work, NULL, wait_for_work, NULL);
    pthread_create(&report, NULL, wait_for_report, NULL);
    while (atomic_load(&waiting) < 2) usleep(1000);
    /* both threads are (about to be) inside pthread_cond_wait: their mutexes are free once they are */
    pthread_mutex_lock(&queue_lock);
    pthread_mutex_lock(&stats_lock);
    ready = 1;
    pthread_cond_broadcast(&ready_cond);
    pthread_mutex_unlock(&stats_lock);
    pthread_mutex_unlock(&queue_lock);
    pthread_join(work, NULL);
    pthread_join(report, NULL);
    printf("both woke up\n");
    return 0;
}
