/* barrier_one_too_many: a barrier made for three threads, but only two ever arrive: they wait forever (run it under snag). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

#define WORKERS 2

static pthread_barrier_t phase_done;

__attribute__((noinline)) static void *work_phase(void *unused)
{
    (void)unused;
    pthread_barrier_wait(&phase_done);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_barrier_init(&phase_done, NULL, WORKERS + 1); /* BUG: main never arrives */
    pthread_t workers[WORKERS];
    for (int index = 0; index < WORKERS; index++) pthread_create(&workers[index], NULL, work_phase, NULL);
    for (int index = 0; index < WORKERS; index++) pthread_join(workers[index], NULL);
    printf("all phases done\n");
    return 0;
}
