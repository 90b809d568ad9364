/* The traced program must behave exactly as without snag: this program
 * checks return values, errno, cancellation points, a signal handler's
 * sem_post, fork, system/popen/pclose and C11 threads, and exits 0 only if
 * all hold. ctest runs
 * it natively and under libsnag.so; both runs must pass. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(condition)                                                             \
    do {                                                                             \
        if (!(condition)) {                                                          \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static struct timespec in_ms(long ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += ms * 1000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    return deadline;
}

static void errno_is_left_alone(void)
{
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    sem_t sem;
    sem_init(&sem, 0, 1);
    errno = 1234;
    pthread_mutex_lock(&mutex);
    pthread_mutex_unlock(&mutex);
    CHECK(errno == 1234);
    CHECK(sem_wait(&sem) == 0);
    CHECK(errno == 1234);
    CHECK(sem_post(&sem) == 0);
    CHECK(errno == 1234);
    CHECK(sem_trywait(&sem) == 0);
    CHECK(errno == 1234);
    CHECK(sem_trywait(&sem) == -1 && errno == EAGAIN);
    errno = 1234;
    struct timespec deadline = in_ms(20);
    CHECK(sem_timedwait(&sem, &deadline) == -1 && errno == ETIMEDOUT);
    sem_destroy(&sem);
}

static void return_values_are_the_real_ones(void)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t checked;
    CHECK(pthread_mutex_init(&checked, &attributes) == 0);
    CHECK(pthread_mutex_unlock(&checked) == EPERM);
    CHECK(pthread_mutex_lock(&checked) == 0);
    CHECK(pthread_mutex_lock(&checked) == EDEADLK);
    CHECK(pthread_mutex_trylock(&checked) == EBUSY);
    CHECK(pthread_mutex_unlock(&checked) == 0);
    CHECK(pthread_mutex_destroy(&checked) == 0);

    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t recursive;
    pthread_mutex_init(&recursive, &attributes);
    CHECK(pthread_mutex_lock(&recursive) == 0);
    CHECK(pthread_mutex_lock(&recursive) == 0);
    CHECK(pthread_mutex_trylock(&recursive) == 0);
    for (int depth = 0; depth < 3; depth++) CHECK(pthread_mutex_unlock(&recursive) == 0);
    CHECK(pthread_mutex_unlock(&recursive) == EPERM);
    pthread_mutexattr_destroy(&attributes);

    pthread_rwlock_t rwlock = PTHREAD_RWLOCK_INITIALIZER;
    CHECK(pthread_rwlock_rdlock(&rwlock) == 0);
    CHECK(pthread_rwlock_tryrdlock(&rwlock) == 0);
    CHECK(pthread_rwlock_trywrlock(&rwlock) == EBUSY);
    struct timespec deadline = in_ms(20);
    CHECK(pthread_rwlock_timedwrlock(&rwlock, &deadline) == ETIMEDOUT);
    CHECK(pthread_rwlock_unlock(&rwlock) == 0);
    CHECK(pthread_rwlock_unlock(&rwlock) == 0);

    pthread_spinlock_t spin;
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    CHECK(pthread_spin_lock(&spin) == 0);
    CHECK(pthread_spin_trylock(&spin) == EBUSY);
    CHECK(pthread_spin_unlock(&spin) == 0);
    pthread_spin_destroy(&spin);

    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&mutex);
    deadline = in_ms(20);
    CHECK(pthread_cond_timedwait(&cond, &mutex, &deadline) == ETIMEDOUT);
    CHECK(pthread_mutex_trylock(&mutex) == EBUSY); /* re-locked by the wait */
    pthread_mutex_unlock(&mutex);
    struct timespec monotonic;
    clock_gettime(CLOCK_MONOTONIC, &monotonic);
    monotonic.tv_nsec += 10000000;
    if (monotonic.tv_nsec >= 1000000000L) {
        monotonic.tv_sec++;
        monotonic.tv_nsec -= 1000000000L;
    }
    CHECK(pthread_mutex_clocklock(&mutex, CLOCK_MONOTONIC, &monotonic) == 0);
    pthread_mutex_unlock(&mutex);
}

/* ---- cancellation points ---- */

static pthread_mutex_t cancel_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cancel_cond = PTHREAD_COND_INITIALIZER;
static sem_t cancel_sem;
static atomic_int cleanup_saw_mutex_held, cleanup_ran;
static atomic_int waiting;

static void unlock_in_cleanup(void *unused)
{
    (void)unused;
    /* POSIX: the mutex is re-acquired before the cleanup handlers run */
    atomic_store(&cleanup_saw_mutex_held, pthread_mutex_unlock(&cancel_mutex) == 0);
}

static void *wait_on_cond_forever(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&cancel_mutex);
    pthread_cleanup_push(unlock_in_cleanup, NULL);
    atomic_store(&waiting, 1);
    for (;;) pthread_cond_wait(&cancel_cond, &cancel_mutex);
    pthread_cleanup_pop(1);
    return NULL;
}

static void note_cleanup(void *unused)
{
    (void)unused;
    atomic_store(&cleanup_ran, 1);
}

static void *wait_on_sem_forever(void *unused)
{
    (void)unused;
    pthread_cleanup_push(note_cleanup, NULL);
    atomic_store(&waiting, 1);
    for (;;) sem_wait(&cancel_sem);
    pthread_cleanup_pop(0);
    return NULL;
}

/* sem_wait is a cancellation point even when a token is there. */
static void *sem_wait_with_token_and_pending_cancel(void *unused)
{
    (void)unused;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    while (!atomic_load(&waiting)) usleep(1000);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
    sem_wait(&cancel_sem);
    return (void *)1; /* not reached: cancelled */
}

static void wait_until_blocked(void)
{
    while (!atomic_load(&waiting)) usleep(1000);
    usleep(20000); /* inside the blocking call by now */
}

static void cancellation_points_stay_cancellation_points(void)
{
    pthread_t thread;
    void *result;

    atomic_store(&waiting, 0);
    pthread_create(&thread, NULL, wait_on_cond_forever, NULL);
    wait_until_blocked();
    CHECK(pthread_cancel(thread) == 0);
    CHECK(pthread_join(thread, &result) == 0 && result == PTHREAD_CANCELED);
    CHECK(atomic_load(&cleanup_saw_mutex_held) == 1);
    CHECK(pthread_mutex_trylock(&cancel_mutex) == 0); /* released by the cleanup */
    pthread_mutex_unlock(&cancel_mutex);

    sem_init(&cancel_sem, 0, 0);
    atomic_store(&waiting, 0);
    pthread_create(&thread, NULL, wait_on_sem_forever, NULL);
    wait_until_blocked();
    pthread_cancel(thread);
    CHECK(pthread_join(thread, &result) == 0 && result == PTHREAD_CANCELED);
    CHECK(atomic_load(&cleanup_ran) == 1);

    sem_post(&cancel_sem);
    atomic_store(&waiting, 0);
    pthread_create(&thread, NULL, sem_wait_with_token_and_pending_cancel, NULL);
    pthread_cancel(thread);
    atomic_store(&waiting, 1);
    CHECK(pthread_join(thread, &result) == 0 && result == PTHREAD_CANCELED);
    int value = -1;
    sem_getvalue(&cancel_sem, &value);
    CHECK(value == 1); /* the token was not taken */
    sem_destroy(&cancel_sem);
}

/* ---- a signal handler that posts, while the thread records ---- */

static sem_t signalled;
static atomic_int handled;
static void post_from_handler(int signal_number)
{
    (void)signal_number;
    int saved = errno;
    sem_post(&signalled);
    atomic_fetch_add(&handled, 1);
    errno = saved;
}

static void signal_handler_may_post(void)
{
    sem_init(&signalled, 0, 0);
    struct sigaction action = {.sa_handler = post_from_handler};
    sigaction(SIGALRM, &action, NULL);
    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    for (int round = 0; round < 200; round++) {
        ualarm(100, 0);
        while (atomic_load(&handled) <= round) { /* the handler lands in the middle of these */
            pthread_mutex_lock(&mutex);
            pthread_mutex_unlock(&mutex);
        }
    }
    int posts = 0;
    while (sem_trywait(&signalled) == 0) posts++;
    CHECK(posts == 200);
    signal(SIGALRM, SIG_DFL);
    sem_destroy(&signalled);
}

/* ---- fork while other threads run ---- */

static atomic_int stop_spinning;
static pthread_mutex_t busy_mutex = PTHREAD_MUTEX_INITIALIZER;
static void *lock_until_told(void *unused)
{
    (void)unused;
    while (!atomic_load(&stop_spinning)) {
        pthread_mutex_lock(&busy_mutex);
        pthread_mutex_unlock(&busy_mutex);
    }
    return NULL;
}

static void fork_from_a_threaded_process(void)
{
    pthread_t thread;
    pthread_create(&thread, NULL, lock_until_told, NULL);
    for (int child = 0; child < 20; child++) {
        pid_t pid = fork();
        if (pid == 0) {
            pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
            for (int index = 0; index < 1000; index++) {
                pthread_mutex_lock(&own);
                pthread_mutex_unlock(&own);
            }
            _exit(40 + child % 3);
        }
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 40 + child % 3);
    }
    atomic_store(&stop_spinning, 1);
    pthread_join(thread, NULL);
}

/* ---- C11 ---- */

static mtx_t c11_mutex;
static cnd_t c11_cond;
static int c11_ready;
static int c11_worker(void *argument)
{
    mtx_lock(&c11_mutex);
    c11_ready = 1;
    cnd_signal(&c11_cond);
    mtx_unlock(&c11_mutex);
    return (int)(intptr_t)argument;
}

static void c11_threads_work(void)
{
    CHECK(mtx_init(&c11_mutex, mtx_plain | mtx_timed) == thrd_success);
    CHECK(cnd_init(&c11_cond) == thrd_success);
    thrd_t thread;
    mtx_lock(&c11_mutex);
    CHECK(thrd_create(&thread, c11_worker, (void *)(intptr_t)42) == thrd_success);
    while (!c11_ready) cnd_wait(&c11_cond, &c11_mutex);
    mtx_unlock(&c11_mutex);
    int result = 0;
    CHECK(thrd_join(thread, &result) == thrd_success && result == 42);
    CHECK(mtx_trylock(&c11_mutex) == thrd_success);
    struct timespec deadline = in_ms(10);
    CHECK(cnd_timedwait(&c11_cond, &c11_mutex, &deadline) == thrd_timedout);
    mtx_unlock(&c11_mutex);
    cnd_destroy(&c11_cond);
    mtx_destroy(&c11_mutex);
}

/* system() and popen()/pclose() return what they would, errno untouched. */
static void shell_commands_return_their_statuses(void)
{
    errno = 1234;
    int status = system("exit 7");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    CHECK(errno == 1234);
    CHECK(system(NULL) != 0); /* a shell exists */
    status = system("kill -TERM $$");
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    errno = 1234;
    FILE *pipe = popen("printf 'two\\nlines\\n'; exit 4", "r");
    CHECK(pipe != NULL);
    CHECK(errno == 1234);
    char line[16] = "";
    CHECK(pipe && fgets(line, sizeof line, pipe) && strcmp(line, "two\n") == 0);
    CHECK(pipe && fgets(line, sizeof line, pipe) && strcmp(line, "lines\n") == 0);
    status = pipe ? pclose(pipe) : -1;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
    CHECK(errno == 1234);
    CHECK(popen("true", "invalid mode") == NULL && errno == EINVAL);
}

int main(void)
{
    errno_is_left_alone();
    return_values_are_the_real_ones();
    cancellation_points_stay_cancellation_points();
    signal_handler_may_post();
    fork_from_a_threaded_process();
    shell_commands_return_their_statuses();
    c11_threads_work();
    if (failures) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    puts("all shim semantics checks passed");
    return 0;
}
