/* fork_while_locked: forks while another thread holds log_lock; the child inherits it locked and hangs on its first log line. */
/*
 * A logger thread keeps taking log_lock to write a line. The main thread
 * forks a child while the logger holds it: the child gets a copy of the
 * lock in its locked state, but not the thread that would unlock it, so the
 * child's first write_log_line() blocks forever. The parent gives the child
 * half a second, then kills it and says so. The fixed twin is
 * fork_with_atfork.c.
 *
 * usage: fork_while_locked [wait_ms]  (how long the parent waits for the child)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sample_args.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int logger_holds_lock, stop_logging;

__attribute__((noinline)) static void write_log_line(const char *who)
{
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "%s: log line\n", who);
    pthread_mutex_unlock(&log_lock);
}

/* Holds log_lock for a while each round, as a slow log sink would. */
__attribute__((noinline)) static void *logger_thread(void *unused)
{
    (void)unused;
    while (!atomic_load(&stop_logging)) {
        pthread_mutex_lock(&log_lock);
        atomic_store(&logger_holds_lock, 1);
        usleep(20000);
        atomic_store(&logger_holds_lock, 0);
        pthread_mutex_unlock(&log_lock);
        usleep(1000);
    }
    return NULL;
}

__attribute__((noinline)) static pid_t fork_a_worker(void)
{
    pid_t child = fork();
    if (child == 0) {
        write_log_line("child"); /* blocks forever: log_lock was held at fork */
        _exit(0);
    }
    return child;
}

int main(int argc, char **argv)
{
    long wait_ms;
    const struct sample_arg args[] = {
        {"wait_ms", 1, 60000, 500, "how long the parent waits for the child", &wait_ms},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));

    pthread_t logger;
    pthread_create(&logger, NULL, logger_thread, NULL);
    while (!atomic_load(&logger_holds_lock)) usleep(100);
    pid_t child = fork_a_worker();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    int status = 0;
    long waited_ms = 0;
    while (waitpid(child, &status, WNOHANG) == 0 && waited_ms < wait_ms) {
        usleep(10000);
        waited_ms += 10;
    }
    int hung = waited_ms >= wait_ms;
    if (hung) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    atomic_store(&stop_logging, 1);
    pthread_join(logger, NULL);
    printf("child %s\n", hung ? "hung on log_lock and was killed" : "finished");
    return 0;
}
