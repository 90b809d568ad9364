/* unlock_from_wrong_thread: main locks job_lock and a worker thread unlocks it (a hand-off POSIX leaves undefined): misuse/unlock_not_held. */
/*
 * main takes job_lock to "reserve" the job, then starts finish_job on a
 * worker, which unlocks job_lock when done, as if a mutex were a semaphore.
 * glibc lets a normal mutex be unlocked by any thread, so it seems to work;
 * with an error-checking mutex the unlock fails with EPERM.
 *
 * usage: unlock_from_wrong_thread
 */
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static int job_done;

__attribute__((noinline)) static void *finish_job(void *unused)
{
    (void)unused;
    job_done = 1;
    pthread_mutex_unlock(&job_lock); /* not this thread's to unlock */
    return NULL;
}

__attribute__((noinline)) static void reserve_job(void) { pthread_mutex_lock(&job_lock); }

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    reserve_job();
    pthread_t worker;
    pthread_create(&worker, NULL, finish_job, NULL);
    pthread_join(worker, NULL);
    printf("job done: %d\n", job_done);
    return 0;
}
