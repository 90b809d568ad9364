/* dining_philosophers: every philosopher takes the left fork, then the right one: a cycle of N threads that deadlocks (run it under snag). */
/*
 * Fork i is a mutex between philosophers i and i+1. Each philosopher takes
 * its left fork, waits until all hold theirs (so the deadlock happens every
 * run), then reaches for the right fork, which its neighbour holds.
 *
 * usage: dining_philosophers [philosophers]  (2..16, default 5)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

#define MAX_PHILOSOPHERS 16

static pthread_mutex_t forks[MAX_PHILOSOPHERS];
static pthread_barrier_t all_hold_left_fork;
static long philosophers;

__attribute__((noinline)) static void eat(long seat)
{
    pthread_mutex_t *left = &forks[seat], *right = &forks[(seat + 1) % philosophers];
    pthread_mutex_lock(left);
    pthread_barrier_wait(&all_hold_left_fork);
    pthread_mutex_lock(right);
    printf("philosopher %ld eats\n", seat);
    pthread_mutex_unlock(right);
    pthread_mutex_unlock(left);
}

static void *philosopher(void *seat)
{
    eat((long)seat);
    return NULL;
}

int main(int argc, char **argv)
{
    const struct sample_arg args[] = {{"philosophers", 2, MAX_PHILOSOPHERS, 5, NULL, &philosophers}};
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    pthread_t threads[MAX_PHILOSOPHERS];
    pthread_barrier_init(&all_hold_left_fork, NULL, (unsigned)philosophers);
    for (long seat = 0; seat < philosophers; seat++) pthread_mutex_init(&forks[seat], NULL);
    for (long seat = 0; seat < philosophers; seat++) {
        pthread_create(&threads[seat], NULL, philosopher, (void *)seat);
        char name[16];
        snprintf(name, sizeof name, "philosopher-%ld", seat);
        pthread_setname_np(threads[seat], name);
    }
    for (long seat = 0; seat < philosophers; seat++) pthread_join(threads[seat], NULL);
    return 0;
}
