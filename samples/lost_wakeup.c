/* lost_wakeup: the producer signals before the consumer waits, and the consumer waits without checking a predicate: it sleeps forever (run it under snag). */
/*
 * pthread_cond_signal wakes only a thread that is already waiting; a
 * signal with no waiter is lost. The consumer should loop on `ready` under
 * the mutex; it does not, so the program hangs: the consumer on the
 * condvar, main joining the consumer. No lock cycle, so not a deadlock:
 * snag reports a hang once every thread has been blocked for
 * --hang-timeout, and names who signalled and when.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "sample_args.h"

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t item_ready = PTHREAD_COND_INITIALIZER;
static int ready;

__attribute__((noinline)) static void *consume(void *unused)
{
    (void)unused;
    usleep(100000); /* arrives late: the signal is already gone */
    pthread_mutex_lock(&queue_lock);
    pthread_cond_wait(&item_ready, &queue_lock); /* BUG: no `while (!ready)` */
    pthread_mutex_unlock(&queue_lock);
    return NULL;
}

__attribute__((noinline)) static void produce(void)
{
    pthread_mutex_lock(&queue_lock);
    ready = 1;
    pthread_cond_signal(&item_ready);
    pthread_mutex_unlock(&queue_lock);
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_t consumer;
    pthread_create(&consumer, NULL, consume, NULL);
    pthread_setname_np(consumer, "consumer");
    produce();
    pthread_join(consumer, NULL);
    printf("consumed\n");
    return 0;
}
