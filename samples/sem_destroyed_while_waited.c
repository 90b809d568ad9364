/* sem_destroyed_while_waited: main destroys work_ready while a worker still waits on it: misuse/destroy_sem_with_waiters. */
/*
 * The worker waits on the semaphore work_ready (made with no token); main
 * shuts down by destroying it without posting first. glibc's sem_destroy
 * does nothing, so the worker stays blocked; main then posts the destroyed
 * semaphore (also undefined, but it lets the worker end here).
 *
 * usage: sem_destroyed_while_waited
 */
#include <semaphore.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "sample_args.h"

static sem_t work_ready;
static atomic_int about_to_wait;

__attribute__((noinline)) static void *worker(void *unused)
{
    (void)unused;
    atomic_store(&about_to_wait, 1);
    sem_wait(&work_ready);
    return NULL;
}

__attribute__((noinline)) static void shut_down(void) { sem_destroy(&work_ready); }

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    sem_init(&work_ready, 0, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, worker, NULL);
    while (!atomic_load(&about_to_wait)) usleep(1000);
    usleep(50 * 1000); /* let it block */
    shut_down();
    sem_post(&work_ready);
    pthread_join(thread, NULL);
    printf("worker ended\n");
    return 0;
}
