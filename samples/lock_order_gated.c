/* lock_order_gated: both orders of accounts_lock and audit_lock, but always under big_lock (a gate lock): they can never deadlock, so no finding. */
/*
 * The same two threads as lock_order_inversion.c, running at the same time,
 * but each takes big_lock before its pair: only one of them is ever inside
 * its pair, so the opposite orders cannot meet.
 *
 * usage: lock_order_gated [rounds]  (how many times each thread nests)
 */
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static long moves, audits; /* protected by accounts_lock and audit_lock together */
static long rounds;

__attribute__((noinline)) static void *transfer_thread(void *unused)
{
    (void)unused;
    for (long round = 0; round < rounds; round++) {
        pthread_mutex_lock(&big_lock);
        pthread_mutex_lock(&accounts_lock);
        pthread_mutex_lock(&audit_lock);
        moves++;
        pthread_mutex_unlock(&audit_lock);
        pthread_mutex_unlock(&accounts_lock);
        pthread_mutex_unlock(&big_lock);
    }
    return NULL;
}

__attribute__((noinline)) static void *audit_thread(void *unused)
{
    (void)unused;
    for (long round = 0; round < rounds; round++) {
        pthread_mutex_lock(&big_lock);
        pthread_mutex_lock(&audit_lock);
        pthread_mutex_lock(&accounts_lock);
        audits++;
        pthread_mutex_unlock(&accounts_lock);
        pthread_mutex_unlock(&audit_lock);
        pthread_mutex_unlock(&big_lock);
    }
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
