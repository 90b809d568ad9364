/* lock_order_inversion: one thread takes accounts_lock then audit_lock, another audit_lock then accounts_lock, at different times: it never deadlocks here, but could. */
/*
 * transfer_thread moves money: it locks accounts_lock, then audit_lock to
 * log the move. audit_thread checks the books: it locks audit_lock, then
 * accounts_lock to read them. The threads run one after the other (the
 * second starts when the first has ended), so this run never deadlocks; run
 * at the same time, each could hold its first lock and wait for the other's
 * for good. See lock_order_consistent.c for the fix.
 *
 * usage: lock_order_inversion [rounds]  (how many times each thread nests)
 */
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_mutex_t accounts_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static long balance[2] = {100, 0}; /* protected by accounts_lock */
static long audited_moves;         /* protected by audit_lock */
static long rounds;

__attribute__((noinline)) static void record_transfer(void)
{
    pthread_mutex_lock(&audit_lock);
    audited_moves++;
    pthread_mutex_unlock(&audit_lock);
}

__attribute__((noinline)) static void *transfer_thread(void *unused)
{
    (void)unused;
    for (long round = 0; round < rounds; round++) {
        pthread_mutex_lock(&accounts_lock);
        balance[0]--;
        balance[1]++;
        record_transfer();
        pthread_mutex_unlock(&accounts_lock);
    }
    return NULL;
}

__attribute__((noinline)) static long read_total(void)
{
    pthread_mutex_lock(&accounts_lock);
    long total = balance[0] + balance[1];
    pthread_mutex_unlock(&accounts_lock);
    return total;
}

__attribute__((noinline)) static void *audit_thread(void *unused)
{
    (void)unused;
    for (long round = 0; round < rounds; round++) {
        pthread_mutex_lock(&audit_lock);
        if (read_total() != 100) fprintf(stderr, "the books do not balance\n");
        pthread_mutex_unlock(&audit_lock);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const struct sample_arg args[] = {{"rounds", 1, 1000000, 3, "per thread", &rounds}};
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    pthread_t thread;
    pthread_create(&thread, NULL, transfer_thread, NULL);
    pthread_join(thread, NULL);
    pthread_create(&thread, NULL, audit_thread, NULL);
    pthread_join(thread, NULL);
    printf("balance %ld/%ld, %ld moves audited\n", balance[0], balance[1], audited_moves);
    return 0;
}
