/* fork_with_atfork: fork_while_locked's fixed twin: pthread_atfork handlers take log_lock around fork, so the child gets it unlocked. */
/*
 * The same logger thread and the same fork as fork_while_locked.c, but the
 * program registers pthread_atfork handlers: prepare takes log_lock (waiting
 * for the logger to let go of it), parent and child release it. At the
 * moment of fork no other thread holds a lock, and the child logs and exits.
 *
 * usage: fork_with_atfork [wait_ms]  (how long the parent waits for the child)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/wait.h>
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

static void take_log_lock(void) { pthread_mutex_lock(&log_lock); }
static void release_log_lock(void) { pthread_mutex_unlock(&log_lock); }

int main(int argc, char **argv)
{
    long wait_ms;
    const struct sample_arg args[] = {
        {"wait_ms", 1, 60000, 5000, "how long the parent waits for the child", &wait_ms},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));

    pthread_atfork(take_log_lock, release_log_lock, release_log_lock);
    pthread_t logger;
    pthread_create(&logger, NULL, logger_thread, NULL);
    while (!atomic_load(&logger_holds_lock)) usleep(100);
    pid_t child = fork();
    if (child == 0) {
        write_log_line("child");
        _exit(0);
    }
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
    return hung;
}
