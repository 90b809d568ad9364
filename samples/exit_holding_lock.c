/* exit_holding_lock: a thread returns while still holding config_lock; main then cannot get it: misuse/exit_holding_lock. */
/*
 * load_config forgets to unlock config_lock on its error path and the
 * thread ends. Nobody can unlock config_lock any more: main's timed lock
 * gives up after 100 ms (ETIMEDOUT).
 *
 * usage: exit_holding_lock
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "sample_args.h"

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int config_value;

__attribute__((noinline)) static void *load_config(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&config_lock);
    config_value = -1;
    if (config_value < 0) return NULL; /* the error path: config_lock stays locked */
    pthread_mutex_unlock(&config_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    pthread_t loader;
    pthread_create(&loader, NULL, load_config, NULL);
    pthread_join(loader, NULL);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 100 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    int result = pthread_mutex_timedlock(&config_lock, &deadline);
    printf("config_lock: %s\n", result == ETIMEDOUT ? "still locked" : "free");
    return 0;
}
