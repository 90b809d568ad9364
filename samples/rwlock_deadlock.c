/* rwlock_deadlock: a reader holding the config rwlock waits for a mutex whose holder waits to write the config (run it under snag). */
/*
 * The reader takes config_lock to read, then stats_lock. The writer takes
 * stats_lock, then config_lock to write: it waits for the reader to finish
 * reading, while the reader waits for stats_lock. glibc does not say who
 * holds an rwlock for reading; snag knows from its own bookkeeping.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_first;
static int config, reads;

__attribute__((noinline)) static void *read_config(void *unused)
{
    (void)unused;
    pthread_rwlock_rdlock(&config_lock);
    pthread_barrier_wait(&both_hold_first);
    pthread_mutex_lock(&stats_lock);
    reads += config;
    pthread_mutex_unlock(&stats_lock);
    pthread_rwlock_unlock(&config_lock);
    return NULL;
}

__attribute__((noinline)) static void *write_config(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&stats_lock);
    pthread_barrier_wait(&both_hold_first);
    pthread_rwlock_wrlock(&config_lock);
    config++;
    pthread_rwlock_unlock(&config_lock);
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_barrier_init(&both_hold_first, NULL, 2);
    pthread_t reader, writer;
    pthread_create(&reader, NULL, read_config, NULL);
    pthread_create(&writer, NULL, write_config, NULL);
    pthread_setname_np(reader, "reader");
    pthread_setname_np(writer, "writer");
    pthread_join(reader, NULL);
    pthread_join(writer, NULL);
    printf("config=%d reads=%d\n", config, reads);
    return 0;
}
