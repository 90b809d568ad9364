/* lock_order_trylock: audit_thread takes audit_lock then only TRIES accounts_lock, backing off when busy: the opposite order cannot deadlock, so no finding. */
/*
 * transfer_thread nests accounts_lock -> audit_lock as in
 * lock_order_inversion.c. audit_thread holds audit_lock and calls
 * pthread_mutex_trylock on accounts_lock: when it is busy, it lets go of
 * audit_lock and starts again, so it never waits while holding a lock the
 * other thread wants. Both run at the same time.
 *
 * usage: lock_order_trylock [rounds]  (how many times each thread nests)
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static long moves, audits, backoffs;
static long rounds;

__attribute__((noinline)) static void *transfer_thread(void *unused)
{
    (void)unused;
    for (long round = 0; round < rounds; round++) {
        pthread_mutex_lock(&accounts_lock);
        pthread_mutex_lock(&audit_lock);
        moves++;
        pthread_mutex_unlock(&audit_lock);
        pthread_mutex_unlock(&accounts_lock);
    }
    return NULL;
}

__attribute__((noinline)) static void audit_once(void)
{
    for (;;) {
        pthread_mutex_lock(&audit_lock);
        if (pthread_mutex_trylock(&accounts_lock) == 0) break;
        backoffs++; /* protected by audit_lock */
        pthread_mutex_unlock(&audit_lock);
        sched_yield();
    }
    audits++;
    pthread_mutex_unlock(&accounts_lock);
    pthread_mutex_unlock(&audit_lock);
}

__attribute__((noinline)) static void *audit_thread(void *unused)
{
    (void)unused;
    for (long round = 0; round < rounds; round++) audit_once();
    return NULL;
}

int main(int argc, char **argv)
{
    const struct sample_arg args[] = {{"rounds", 1, 1000000, 100, "per thread", &rounds}};
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    pthread_t transfer, audit;
    pthread_create(&transfer, NULL, transfer_thread, NULL);
    pthread_create(&audit, NULL, audit_thread, NULL);
    pthread_join(transfer, NULL);
    pthread_join(audit, NULL);
    printf("%ld moves, %ld audits\n", moves, audits);
    return 0;
}
