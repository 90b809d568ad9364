/* Stack capture where it is delicate: a contended lock in a constructor, a
 * thread with the smallest stack allowed (16 KiB) blocking on a lock, and a
 * signal handler's sem_post waking a thread blocked in sem_wait. Exits 0
 * when everything behaved as without snag; run_stack_safety.sh then checks
 * which of those waits the trace gives a stack. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t constructor_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tiny_stack_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t posted_by_handler;
static int failures;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

static sem_t holder_ready;

/* Takes constructor_lock, lets the constructor know, holds it a while. */
static void *hold_then_release(void *unused)
{
    (void)unused;
    CHECK(pthread_mutex_lock(&constructor_lock) == 0);
    CHECK(sem_post(&holder_ready) == 0);
    usleep(50 * 1000);
    CHECK(pthread_mutex_unlock(&constructor_lock) == 0);
    return NULL;
}

__attribute__((noinline)) static void wait_in_constructor(void)
{
    pthread_t holder;
    CHECK(sem_init(&holder_ready, 0, 0) == 0);
    CHECK(pthread_create(&holder, NULL, hold_then_release, NULL) == 0);
    CHECK(sem_wait(&holder_ready) == 0);
    CHECK(pthread_mutex_lock(&constructor_lock) == 0); /* contended: blocks ~50 ms */
    CHECK(pthread_mutex_unlock(&constructor_lock) == 0);
    CHECK(pthread_join(holder, NULL) == 0);
}

__attribute__((constructor)) static void take_a_contended_lock_in_a_constructor(void)
{
    wait_in_constructor();
}

static void *block_on_a_tiny_stack(void *unused)
{
    (void)unused;
    CHECK(pthread_mutex_lock(&tiny_stack_lock) == 0); /* contended */
    CHECK(pthread_mutex_unlock(&tiny_stack_lock) == 0);
    return NULL;
}

static void tiny_stack_thread(void)
{
    pthread_attr_t attributes;
    pthread_t thread;
    pthread_attr_init(&attributes);
    CHECK(pthread_attr_setstacksize(&attributes, PTHREAD_STACK_MIN) == 0); /* 16 KiB on x86-64 */
    CHECK(pthread_mutex_lock(&tiny_stack_lock) == 0);
    CHECK(pthread_create(&thread, &attributes, block_on_a_tiny_stack, NULL) == 0);
    usleep(50 * 1000);
    CHECK(pthread_mutex_unlock(&tiny_stack_lock) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    pthread_attr_destroy(&attributes);
}

static void post_from_handler(int signal_number)
{
    (void)signal_number;
    sem_post(&posted_by_handler); /* async-signal-safe, traced, never unwinds */
}

static void sem_post_from_a_signal_handler(void)
{
    CHECK(sem_init(&posted_by_handler, 0, 0) == 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = post_from_handler;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    alarm(1);
    int result;
    while ((result = sem_wait(&posted_by_handler)) != 0) CHECK(errno == EINTR);
    CHECK(result == 0);
    raise(SIGALRM); /* a post from a handler while nothing waits */
    CHECK(sem_trywait(&posted_by_handler) == 0);
}

int main(void)
{
    tiny_stack_thread();
    sem_post_from_a_signal_handler();
    if (failures) return 1;
    printf("stack capture safe\n");
    return 0;
}
