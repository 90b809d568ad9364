/* relock_deadlock: a function that holds log_lock calls another that takes log_lock again: a thread deadlocks on itself (run it under snag). */
/*
 * log_lock is a normal (non-recursive) mutex: locking it again from the
 * thread that holds it blocks forever. (A recursive mutex would count; an
 * errorcheck one would return EDEADLK.)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines_written;

__attribute__((noinline)) static void flush_log(void)
{
    pthread_mutex_lock(&log_lock);
    lines_written = 0;
    pthread_mutex_unlock(&log_lock);
}

__attribute__((noinline)) static void log_line(const char *text)
{
    pthread_mutex_lock(&log_lock);
    printf("%s\n", text);
    if (++lines_written >= 2) flush_log(); /* still holding log_lock */
    pthread_mutex_unlock(&log_lock);
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    log_line("first");
    log_line("second");
    log_line("third");
    return 0;
}
