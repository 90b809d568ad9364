/* The real pthread/libc functions behind snag's wrappers: one table, resolved
 * in one place (real.c). A wrapper never calls a function it intercepts except
 * through this table. */
#ifndef SNAG_SHIM_REAL_H
#define SNAG_SHIM_REAL_H

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <sys/types.h>

/* X(name, return type, parameter list) for every intercepted function. */
#define SNAG_REAL_FUNCTIONS(X)                                                                    \
    X(pthread_mutex_init, int, (pthread_mutex_t *, const pthread_mutexattr_t *))                  \
    X(pthread_mutex_destroy, int, (pthread_mutex_t *))                                            \
    X(pthread_mutex_lock, int, (pthread_mutex_t *))                                               \
    X(pthread_mutex_trylock, int, (pthread_mutex_t *))                                            \
    X(pthread_mutex_timedlock, int, (pthread_mutex_t *, const struct timespec *))                 \
    X(pthread_mutex_clocklock, int, (pthread_mutex_t *, clockid_t, const struct timespec *))      \
    X(pthread_mutex_unlock, int, (pthread_mutex_t *))                                             \
    X(pthread_rwlock_init, int, (pthread_rwlock_t *, const pthread_rwlockattr_t *))               \
    X(pthread_rwlock_destroy, int, (pthread_rwlock_t *))                                          \
    X(pthread_rwlock_rdlock, int, (pthread_rwlock_t *))                                           \
    X(pthread_rwlock_tryrdlock, int, (pthread_rwlock_t *))                                        \
    X(pthread_rwlock_timedrdlock, int, (pthread_rwlock_t *, const struct timespec *))             \
    X(pthread_rwlock_clockrdlock, int, (pthread_rwlock_t *, clockid_t, const struct timespec *))  \
    X(pthread_rwlock_wrlock, int, (pthread_rwlock_t *))                                           \
    X(pthread_rwlock_trywrlock, int, (pthread_rwlock_t *))                                        \
    X(pthread_rwlock_timedwrlock, int, (pthread_rwlock_t *, const struct timespec *))             \
    X(pthread_rwlock_clockwrlock, int, (pthread_rwlock_t *, clockid_t, const struct timespec *))  \
    X(pthread_rwlock_unlock, int, (pthread_rwlock_t *))                                           \
    X(pthread_spin_init, int, (pthread_spinlock_t *, int))                                        \
    X(pthread_spin_destroy, int, (pthread_spinlock_t *))                                          \
    X(pthread_spin_lock, int, (pthread_spinlock_t *))                                             \
    X(pthread_spin_trylock, int, (pthread_spinlock_t *))                                          \
    X(pthread_spin_unlock, int, (pthread_spinlock_t *))                                           \
    X(pthread_cond_init, int, (pthread_cond_t *, const pthread_condattr_t *))                     \
    X(pthread_cond_destroy, int, (pthread_cond_t *))                                              \
    X(pthread_cond_wait, int, (pthread_cond_t *, pthread_mutex_t *))                              \
    X(pthread_cond_timedwait, int, (pthread_cond_t *, pthread_mutex_t *, const struct timespec *)) \
    X(pthread_cond_clockwait, int,                                                                \
      (pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *))                  \
    X(pthread_cond_signal, int, (pthread_cond_t *))                                               \
    X(pthread_cond_broadcast, int, (pthread_cond_t *))                                            \
    X(sem_init, int, (sem_t *, int, unsigned int))                                                \
    X(sem_destroy, int, (sem_t *))                                                                \
    X(sem_wait, int, (sem_t *))                                                                   \
    X(sem_trywait, int, (sem_t *))                                                                \
    X(sem_timedwait, int, (sem_t *, const struct timespec *))                                     \
    X(sem_clockwait, int, (sem_t *, clockid_t, const struct timespec *))                          \
    X(sem_post, int, (sem_t *))                                                                   \
    X(sem_open, sem_t *, (const char *, int, ...))                                                \
    X(sem_close, int, (sem_t *))                                                                  \
    X(pthread_barrier_init, int, (pthread_barrier_t *, const pthread_barrierattr_t *, unsigned))  \
    X(pthread_barrier_destroy, int, (pthread_barrier_t *))                                        \
    X(pthread_barrier_wait, int, (pthread_barrier_t *))                                           \
    X(pthread_create, int, (pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))      \
    X(pthread_join, int, (pthread_t, void **))                                                    \
    X(pthread_tryjoin_np, int, (pthread_t, void **))                                              \
    X(pthread_timedjoin_np, int, (pthread_t, void **, const struct timespec *))                   \
    X(pthread_detach, int, (pthread_t))                                                           \
    X(pthread_exit, void, (void *))                                                               \
    X(pthread_setname_np, int, (pthread_t, const char *))                                         \
    X(mtx_init, int, (mtx_t *, int))                                                              \
    X(mtx_destroy, void, (mtx_t *))                                                               \
    X(mtx_lock, int, (mtx_t *))                                                                   \
    X(mtx_trylock, int, (mtx_t *))                                                                \
    X(mtx_timedlock, int, (mtx_t *restrict, const struct timespec *restrict))                     \
    X(mtx_unlock, int, (mtx_t *))                                                                 \
    X(cnd_init, int, (cnd_t *))                                                                   \
    X(cnd_destroy, void, (cnd_t *))                                                               \
    X(cnd_wait, int, (cnd_t *, mtx_t *))                                                          \
    X(cnd_timedwait, int, (cnd_t *restrict, mtx_t *restrict, const struct timespec *restrict))    \
    X(cnd_signal, int, (cnd_t *))                                                                 \
    X(cnd_broadcast, int, (cnd_t *))                                                              \
    X(thrd_create, int, (thrd_t *, thrd_start_t, void *))                                         \
    X(thrd_join, int, (thrd_t, int *))                                                            \
    X(thrd_detach, int, (thrd_t))                                                                 \
    X(thrd_exit, void, (int))                                                                     \
    X(fork, pid_t, (void))                                                                        \
    X(_Fork, pid_t, (void))                                                                       \
    X(execve, int, (const char *, char *const[], char *const[]))                                  \
    X(execvpe, int, (const char *, char *const[], char *const[]))                                 \
    X(fexecve, int, (int, char *const[], char *const[]))                                          \
    X(execveat, int, (int, const char *, char *const[], char *const[], int))                      \
    X(posix_spawn, int,                                                                           \
      (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,      \
       char *const[], char *const[]))                                                             \
    X(posix_spawnp, int,                                                                          \
      (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,      \
       char *const[], char *const[]))                                                             \
    X(system, int, (const char *))                                                                \
    X(popen, FILE *, (const char *, const char *))                                                \
    X(pclose, int, (FILE *))                                                                      \
    X(wait4, pid_t, (pid_t, int *, int, struct rusage *))                                         \
    X(waitid, int, (idtype_t, id_t, siginfo_t *, int))                                            \
    X(exit, void, (int))                                                                          \
    X(_exit, void, (int))                                                                         \
    X(_Exit, void, (int))                                                                         \
    X(dlopen, void *, (const char *, int))                                                      \
    X(__libc_start_main, int,                                                                     \
      (int (*)(int, char **, char **), int, char **, void (*)(void), void (*)(void), void (*)(void), void *))

struct snag_real_table {
#define SNAG_REAL_FIELD(name, ret, params) ret(*name) params;
    SNAG_REAL_FUNCTIONS(SNAG_REAL_FIELD)
#undef SNAG_REAL_FIELD
};

extern struct snag_real_table snag_real;

/* Resolve every pointer of snag_real. Returns 1 when the table is usable, 0
 * when called recursively from inside the resolution itself (dlsym may call
 * malloc, and an interposed malloc may take a pthread mutex): the caller then
 * falls back to a safe answer. Thread-safe; the work happens once. */
int snag_real_resolve(void);

/* Runs `resolve` once in the process, whichever thread comes first; the
 * others wait for it. Returns 1 when done, 0 when called again from inside
 * `resolve` on the same thread. `state` starts 0; `resolving_on_this_thread`
 * is a thread-local flag of the caller's. */
int snag_resolve_once(atomic_int *state, int *resolving_on_this_thread, void (*resolve)(void));

/* The real function `name`, resolving the table first when needed; executes
 * `return fallback;` in the caller when resolution is in progress on this very
 * thread (bootstrap recursion). */
#define SNAG_REAL_OR_RETURN(name, fallback)                                                      \
    do {                                                                                         \
        if (__builtin_expect(snag_real.name == NULL, 0) && !snag_real_resolve()) return fallback; \
    } while (0)

#endif
