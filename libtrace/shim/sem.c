/* sem_* wrappers. sem_post stays async-signal-safe: recording is a few
 * stores into this thread's chunk, and a signal handler that interrupts the
 * slow path records nothing (writer.c). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>

#include "wrap.h"

#define SEM SNAG_CLASS_SEM

SNAG_EXPORT int sem_init(sem_t *sem, int shared, unsigned int value)
{
    SNAG_REAL_OR_RETURN(sem_init, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.sem_init(sem, shared, value);
    if (result == 0) {
        int saved_errno = errno;
        snag_record(SNAG_T(SEM, INIT), sem, site);
        snag_record_aux(SNAG_T(SEM, ATTRIBUTE), sem, (uint16_t)(value < 0xfffe ? value : 0xfffe));
        snag_sem_initialised(sem, value, shared);
        errno = saved_errno;
    }
    return result;
}

SNAG_EXPORT int sem_destroy(sem_t *sem)
{
    SNAG_REAL_OR_RETURN(sem_destroy, 0);
    snag_record(SNAG_T(SEM, DESTROY), sem, SNAG_CALLER());
    return snag_real.sem_destroy(sem);
}

SNAG_EXPORT sem_t *sem_open(const char *name, int flags, ...)
{
    SNAG_REAL_OR_RETURN(sem_open, SEM_FAILED);
    uintptr_t site = SNAG_CALLER();
    mode_t mode = 0;
    unsigned int value = 0;
    if (flags & O_CREAT) {
        va_list arguments;
        va_start(arguments, flags);
        mode = va_arg(arguments, mode_t);
        value = va_arg(arguments, unsigned int);
        va_end(arguments);
    }
    sem_t *sem = snag_real.sem_open(name, flags, mode, value);
    if (sem != SEM_FAILED) {
        int saved_errno = errno;
        snag_record(SNAG_T(SEM, INIT), sem, site);
        if (flags & O_CREAT) {
            snag_record_aux(SNAG_T(SEM, ATTRIBUTE), sem, (uint16_t)(value < 0xfffe ? value : 0xfffe));
        }
        /* named semaphores live in shared memory: any process may post them */
        snag_sem_initialised(sem, flags & O_CREAT ? value : 0, 1);
        uint64_t address = (uint64_t)(uintptr_t)sem;
        size_t length = strnlen(name, 255); /* non-NULL: sem_open succeeded */
        char payload[8 + 256];
        memcpy(payload, &address, 8);
        memcpy(payload + 8, name, length);
        payload[8 + length] = '\0';
        snag_emit_variable(SNAG_REC_SEM_NAME, 0, payload, 8 + length + 1);
        errno = saved_errno;
    }
    return sem;
}

SNAG_EXPORT int sem_close(sem_t *sem)
{
    SNAG_REAL_OR_RETURN(sem_close, 0);
    snag_record(SNAG_T(SEM, DESTROY), sem, SNAG_CALLER());
    return snag_real.sem_close(sem);
}

enum wait_how { WAIT_PLAIN, WAIT_TIMED, WAIT_CLOCK };

static void wait_cancelled(void *sem)
{
    snag_wait_end();
    snag_record_aux(SNAG_T(SEM, FAILED), sem, SNAG_AUX_CANCELLED);
}

/* sem_trywait found no token: record the wait, block, record the outcome.
 * errno is what the real wait left, or, on success, what the caller had. */
static SNAG_SLOW int wait_after_try(sem_t *sem, uintptr_t site, int caller_errno, enum wait_how how, clockid_t clock,
                                    const struct timespec *deadline)
{
    snag_wait_begin(SEM, SNAG_OP_WAIT, sem, site, how == WAIT_PLAIN ? 0 : SNAG_WAIT_TIMED);
    int result;
    pthread_cleanup_push(wait_cancelled, sem);
    switch (how) {
    case WAIT_TIMED: result = snag_real.sem_timedwait(sem, deadline); break;
    case WAIT_CLOCK: result = snag_real.sem_clockwait(sem, clock, deadline); break;
    default: result = snag_real.sem_wait(sem); break;
    }
    pthread_cleanup_pop(0);
    snag_wait_end();
    if (result == 0) {
        snag_record_acquire(SNAG_T(SEM, ACQUIRE), sem, site);
        snag_sem_lock_set_owner(sem, snag_thread.tid);
        errno = caller_errno;
    } else {
        int error = errno;
        snag_record_failure(SEM, sem, error);
        errno = error;
    }
    return result;
}

/* sem_wait and sem_timedwait are cancellation points even when a token is
 * there; sem_trywait is not, hence the explicit test. */
#define SEM_ACQUIRE(name, params, how, clock, deadline)                                   \
    SNAG_EXPORT int name params                                                           \
    {                                                                                     \
        SNAG_REAL_OR_RETURN(name, 0);                                                     \
        uintptr_t site = SNAG_CALLER();                                                   \
        int caller_errno = errno;                                                         \
        pthread_testcancel();                                                             \
        if (SNAG_LIKELY(snag_real.sem_trywait(sem) == 0)) {                               \
            snag_record_acquire(SNAG_T(SEM, ACQUIRE), sem, site);                         \
            snag_sem_lock_set_owner(sem, snag_thread.tid);                                \
            return 0;                                                                     \
        }                                                                                 \
        if (errno != EAGAIN) {                                                            \
            errno = caller_errno;                                                         \
            return how == WAIT_PLAIN  ? snag_real.sem_wait(sem)                           \
                   : how == WAIT_TIMED ? snag_real.sem_timedwait(sem, deadline)           \
                                       : snag_real.sem_clockwait(sem, clock, deadline);   \
        }                                                                                 \
        return wait_after_try(sem, site, caller_errno, how, clock, deadline);             \
    }

SEM_ACQUIRE(sem_wait, (sem_t * sem), WAIT_PLAIN, 0, NULL)
SEM_ACQUIRE(sem_timedwait, (sem_t * sem, const struct timespec *deadline), WAIT_TIMED, 0, deadline)
SEM_ACQUIRE(sem_clockwait, (sem_t * sem, clockid_t clock, const struct timespec *deadline), WAIT_CLOCK, clock,
            deadline)

SNAG_EXPORT int sem_trywait(sem_t *sem)
{
    SNAG_REAL_OR_RETURN(sem_trywait, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.sem_trywait(sem);
    int error = errno;
    if (result == 0) {
        snag_record_acquire(SNAG_T(SEM, ACQUIRE), sem, site);
        snag_sem_lock_set_owner(sem, snag_thread.tid);
    } else if (error == EAGAIN) snag_record(SNAG_T(SEM, TRY_BUSY), sem, site);
    errno = error;
    return result;
}

/* Record before posting, so the woken waiter's acquisition is later. */
SNAG_EXPORT int sem_post(sem_t *sem)
{
    SNAG_REAL_OR_RETURN(sem_post, 0);
    snag_record_release(SNAG_T(SEM, RELEASE), sem, SNAG_CALLER());
    snag_sem_lock_set_owner(sem, 0);
    int result = snag_real.sem_post(sem);
    if (SNAG_UNLIKELY(result != 0)) {
        int error = errno;
        snag_record_failure(SEM, sem, error);
        errno = error;
    }
    return result;
}
