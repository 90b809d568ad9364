/* abba_deadlock: two transfers lock the same two accounts in opposite order and deadlock (run it under snag). */
/*
 * transfer(from, to) locks `from`'s lock, then `to`'s. One thread moves
 * money from checking to savings while the other moves it back: each takes
 * its first lock, waits for the other to have taken its first too (so the
 * deadlock happens every run, not once in a while), then waits forever for
 * the lock the other holds. Natively the program hangs; under `snag run`
 * the deadlock is reported the moment it forms and the program ends with
 * status 120 once every thread is blocked.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

struct account {
    pthread_mutex_t lock;
    long balance;
};

static struct account checking = {PTHREAD_MUTEX_INITIALIZER, 100};
static struct account savings = {PTHREAD_MUTEX_INITIALIZER, 100};
static pthread_barrier_t both_hold_first_lock;

__attribute__((noinline)) static void transfer(struct account *from, struct account *to, long amount)
{
    pthread_mutex_lock(&from->lock);
    pthread_barrier_wait(&both_hold_first_lock);
    pthread_mutex_lock(&to->lock);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}

static void *checking_to_savings(void *unused)
{
    (void)unused;
    transfer(&checking, &savings, 10);
    return NULL;
}

static void *savings_to_checking(void *unused)
{
    (void)unused;
    transfer(&savings, &checking, 20);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_barrier_init(&both_hold_first_lock, NULL, 2);
    pthread_t first, second;
    pthread_create(&first, NULL, checking_to_savings, NULL);
    pthread_create(&second, NULL, savings_to_checking, NULL);
    pthread_setname_np(first, "to-savings");
    pthread_setname_np(second, "to-checking");
    pthread_join(first, NULL);
    pthread_join(second, NULL);
    printf("checking=%ld savings=%ld\n", checking.balance, savings.balance);
    return 0;
}
