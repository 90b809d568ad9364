/* pthread_mutex_* wrappers. */
#define _GNU_SOURCE
#include "wrap.h"

#define MUTEX SNAG_CLASS_MUTEX

static void record_attributes(const pthread_mutex_t *mutex, const pthread_mutexattr_t *attributes)
{
    int kind = PTHREAD_MUTEX_NORMAL, robust = PTHREAD_MUTEX_STALLED, protocol = PTHREAD_PRIO_NONE;
    if (attributes) {
        pthread_mutexattr_gettype(attributes, &kind);
        pthread_mutexattr_getrobust(attributes, &robust);
        pthread_mutexattr_getprotocol(attributes, &protocol);
    }
    uint16_t aux = (uint16_t)(kind & 0xff);
    if (robust == PTHREAD_MUTEX_ROBUST) aux |= 0x100;
    if (protocol == PTHREAD_PRIO_INHERIT) aux |= 0x200;
    if (aux) snag_record_aux(SNAG_T(MUTEX, ATTRIBUTE), mutex, aux);
}

SNAG_EXPORT int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attributes)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_init, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_mutex_init(mutex, attributes);
    if (result == 0) {
        snag_record(SNAG_T(MUTEX, INIT), mutex, site);
        record_attributes(mutex, attributes);
    }
    return result;
}

SNAG_EXPORT int pthread_mutex_destroy(pthread_mutex_t *mutex)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_destroy, 0);
    snag_record(SNAG_T(MUTEX, DESTROY), mutex, SNAG_CALLER());
    int result = snag_real.pthread_mutex_destroy(mutex);
    if (result != 0) snag_record_failure(MUTEX, mutex, result);
    return result;
}

/* The try failed: record the wait if the mutex was busy, block in `lock`
 * (the real lock, timedlock or clocklock, by `how`), record the outcome. */
enum lock_how { LOCK_PLAIN, LOCK_TIMED, LOCK_CLOCK };

static SNAG_SLOW int lock_after_try(pthread_mutex_t *mutex, uintptr_t site, int try_result, enum lock_how how,
                                    clockid_t clock, const struct timespec *deadline)
{
    if (try_result == EOWNERDEAD) { /* acquired: the previous owner died */
        snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
        return try_result;
    }
    if (try_result == EBUSY) {
        snag_wait_begin(MUTEX, SNAG_OP_WAIT, mutex, site, how == LOCK_PLAIN ? 0 : SNAG_WAIT_TIMED);
    }
    int result;
    switch (how) {
    case LOCK_TIMED: result = snag_real.pthread_mutex_timedlock(mutex, deadline); break;
    case LOCK_CLOCK: result = snag_real.pthread_mutex_clocklock(mutex, clock, deadline); break;
    default: result = snag_real.pthread_mutex_lock(mutex); break;
    }
    snag_wait_end();
    if (result == 0 || result == EOWNERDEAD) snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
    else snag_record_failure(MUTEX, mutex, result);
    return result;
}

/* Try first: a failed trylock is the only way to see contention without a
 * system call. The uncontended path is one trylock and one record. */
SNAG_EXPORT int pthread_mutex_lock(pthread_mutex_t *mutex)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_lock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_mutex_trylock(mutex);
    if (SNAG_LIKELY(result == 0)) {
        snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
        return 0;
    }
    return lock_after_try(mutex, site, result, LOCK_PLAIN, 0, NULL);
}

SNAG_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *deadline)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_timedlock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_mutex_trylock(mutex);
    if (SNAG_LIKELY(result == 0)) {
        snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
        return 0;
    }
    return lock_after_try(mutex, site, result, LOCK_TIMED, 0, deadline);
}

SNAG_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *mutex, clockid_t clock, const struct timespec *deadline)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_clocklock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_mutex_trylock(mutex);
    if (SNAG_LIKELY(result == 0)) {
        snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
        return 0;
    }
    return lock_after_try(mutex, site, result, LOCK_CLOCK, clock, deadline);
}

SNAG_EXPORT int pthread_mutex_trylock(pthread_mutex_t *mutex)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_trylock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_mutex_trylock(mutex);
    if (SNAG_LIKELY(result == 0 || result == EOWNERDEAD))
        snag_record_try_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
    else if (result == EBUSY) snag_record(SNAG_T(MUTEX, TRY_BUSY), mutex, site);
    return result;
}

/* Record before releasing, so that the next owner's acquisition can never
 * carry an earlier time than this release. */
SNAG_EXPORT int pthread_mutex_unlock(pthread_mutex_t *mutex)
{
    SNAG_REAL_OR_RETURN(pthread_mutex_unlock, 0);
    snag_record_release(SNAG_T(MUTEX, RELEASE), mutex, SNAG_CALLER());
    int result = snag_real.pthread_mutex_unlock(mutex);
    if (SNAG_UNLIKELY(result != 0)) snag_record_failure(MUTEX, mutex, result);
    return result;
}
