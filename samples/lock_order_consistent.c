/* lock_order_consistent: lock_order_inversion's fixed twin, and hand-over-hand locking along a chain: every thread nests locks in one order, so no finding. */
/*
 * Two walker threads go down a chain of nodes, each with its own lock,
 * hand over hand: lock the next node before unlocking the current one. They
 * always go from the head to the tail, at the same time, so all nesting is
 * node[i] -> node[i+1]: one order, no cycle, however they meet.
 *
 * usage: lock_order_consistent [walks]  (walks down the chain per thread)
 */
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

#define NODES 6

static pthread_mutex_t node_locks[NODES] = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static long visits[NODES]; /* visits[i] protected by node_locks[i] */
static long walks;

__attribute__((noinline)) static void walk_chain(void)
{
    pthread_mutex_lock(&node_locks[0]);
    for (int node = 0; node < NODES; node++) {
        visits[node]++;
        if (node + 1 < NODES) pthread_mutex_lock(&node_locks[node + 1]);
        pthread_mutex_unlock(&node_locks[node]);
    }
}

__attribute__((noinline)) static void *walker_thread(void *unused)
{
    (void)unused;
    for (long walk = 0; walk < walks; walk++) walk_chain();
    return NULL;
}

int main(int argc, char **argv)
{
    const struct sample_arg args[] = {{"walks", 1, 1000000, 100, "per thread", &walks}};
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    pthread_t walkers[2];
    for (int index = 0; index < 2; index++) pthread_create(&walkers[index], NULL, walker_thread, NULL);
    for (int index = 0; index < 2; index++) pthread_join(walkers[index], NULL);
    printf("tail visited %ld times\n", visits[NODES - 1]);
    return 0;
}
