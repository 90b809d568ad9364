/* lock_order_read_read: two threads READ-lock routes_lock and hosts_lock in opposite orders: readers do not block readers, so no finding. */
/*
 * Both threads only read: one takes routes_lock then hosts_lock for
 * reading, the other hosts_lock then routes_lock. Read locks are shared,
 * so neither can ever wait for the other, in any order (nobody writes
 * while they run: main fills the tables first).
 *
 * usage: lock_order_read_read [rounds]  (how many lookups per thread)
 */
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_rwlock_t routes_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t hosts_lock = PTHREAD_RWLOCK_INITIALIZER;
static int routes[4], hosts[4]; /* protected by routes_lock, hosts_lock */
static long rounds;

__attribute__((noinline)) static void *route_lookup_thread(void *sum)
{
    for (long round = 0; round < rounds; round++) {
        pthread_rwlock_rdlock(&routes_lock);
        pthread_rwlock_rdlock(&hosts_lock);
        *(long *)sum += routes[round % 4] + hosts[round % 4];
        pthread_rwlock_unlock(&hosts_lock);
        pthread_rwlock_unlock(&routes_lock);
    }
    return NULL;
}

__attribute__((noinline)) static void *host_lookup_thread(void *sum)
{
    for (long round = 0; round < rounds; round++) {
        pthread_rwlock_rdlock(&hosts_lock);
        pthread_rwlock_rdlock(&routes_lock);
        *(long *)sum += hosts[round % 4] - routes[round % 4];
        pthread_rwlock_unlock(&routes_lock);
        pthread_rwlock_unlock(&hosts_lock);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const struct sample_arg args[] = {{"rounds", 1, 1000000, 100, "per thread", &rounds}};
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    /* one table at a time: writing both under both locks would nest them for writing */
    pthread_rwlock_wrlock(&routes_lock);
    for (int index = 0; index < 4; index++) routes[index] = index;
    pthread_rwlock_unlock(&routes_lock);
    pthread_rwlock_wrlock(&hosts_lock);
    for (int index = 0; index < 4; index++) hosts[index] = index;
    pthread_rwlock_unlock(&hosts_lock);
    long sums[2] = {0, 0};
    pthread_t route, host;
    pthread_create(&route, NULL, route_lookup_thread, &sums[0]);
    pthread_create(&host, NULL, host_lookup_thread, &sums[1]);
    pthread_join(route, NULL);
    pthread_join(host, NULL);
    printf("sums %ld %ld\n", sums[0], sums[1]);
    return 0;
}
