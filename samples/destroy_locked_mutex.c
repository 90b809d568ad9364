/* destroy_locked_mutex: a cache is torn down while a thread still holds its cache_lock: misuse/destroy_locked. */
/*
 * cache_user takes cache_lock and signals that it is using the cache;
 * main then destroys cache_lock without waiting for it (glibc refuses:
 * EBUSY). The user then unlocks it and ends.
 *
 * usage: destroy_locked_mutex
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sample_args.h"

static pthread_mutex_t cache_lock;
static atomic_int in_use, torn_down;

__attribute__((noinline)) static void *cache_user(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&cache_lock);
    atomic_store(&in_use, 1);
    while (!atomic_load(&torn_down)) usleep(1000);
    pthread_mutex_unlock(&cache_lock);
    return NULL;
}

__attribute__((noinline)) static int tear_down_cache(void) { return pthread_mutex_destroy(&cache_lock); }

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_mutex_init(&cache_lock, NULL);
    pthread_t user;
    pthread_create(&user, NULL, cache_user, NULL);
    while (!atomic_load(&in_use)) usleep(1000);
    int result = tear_down_cache();
    atomic_store(&torn_down, 1);
    pthread_join(user, NULL);
    printf("destroy: %s\n", result ? strerror(result) : "done");
    return 0;
}
