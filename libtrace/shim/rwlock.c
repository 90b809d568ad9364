/* pthread_rwlock_* wrappers. */
#define _GNU_SOURCE
#include "wrap.h"

#define RWLOCK SNAG_CLASS_RWLOCK

SNAG_EXPORT int pthread_rwlock_init(pthread_rwlock_t *lock, const pthread_rwlockattr_t *attributes)
{
    SNAG_REAL_OR_RETURN(pthread_rwlock_init, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_rwlock_init(lock, attributes);
    if (result == 0) {
        snag_record(SNAG_T(RWLOCK, INIT), lock, site);
        int preference = PTHREAD_RWLOCK_PREFER_READER_NP;
        if (attributes) pthread_rwlockattr_getkind_np(attributes, &preference);
        if (preference != PTHREAD_RWLOCK_PREFER_READER_NP) snag_record_aux(SNAG_T(RWLOCK, ATTRIBUTE), lock, 1);
    }
    return result;
}

SNAG_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_rwlock_destroy, 0);
    snag_record(SNAG_T(RWLOCK, DESTROY), lock, SNAG_CALLER());
    int result = snag_real.pthread_rwlock_destroy(lock);
    if (result != 0) snag_record_failure(RWLOCK, lock, result);
    return result;
}

enum rw_call { RD, TIMED_RD, CLOCK_RD, WR, TIMED_WR, CLOCK_WR };

static SNAG_SLOW int lock_after_try(pthread_rwlock_t *lock, uintptr_t site, int try_result, enum rw_call call,
                                    clockid_t clock, const struct timespec *deadline)
{
    int shared = call <= CLOCK_RD;
    if (try_result == EBUSY) {
        snag_wait_begin(RWLOCK, shared ? SNAG_OP_WAIT_SHARED : SNAG_OP_WAIT, lock, site,
                        call == RD || call == WR ? 0 : SNAG_WAIT_TIMED);
    }
    int result;
    switch (call) {
    case RD: result = snag_real.pthread_rwlock_rdlock(lock); break;
    case TIMED_RD: result = snag_real.pthread_rwlock_timedrdlock(lock, deadline); break;
    case CLOCK_RD: result = snag_real.pthread_rwlock_clockrdlock(lock, clock, deadline); break;
    case WR: result = snag_real.pthread_rwlock_wrlock(lock); break;
    case TIMED_WR: result = snag_real.pthread_rwlock_timedwrlock(lock, deadline); break;
    default: result = snag_real.pthread_rwlock_clockwrlock(lock, clock, deadline); break;
    }
    snag_wait_end();
    if (result == 0) {
        snag_record_acquire(shared ? SNAG_T(RWLOCK, ACQUIRE_SHARED) : SNAG_T(RWLOCK, ACQUIRE), lock, site);
        if (shared) snag_held_add(lock);
    } else {
        snag_record_failure(RWLOCK, lock, result);
    }
    return result;
}

/* Each acquiring call tries first (see mutex.c), then blocks in its own kind. */
#define RWLOCK_ACQUIRE(name, try_name, call, acquired_op, params, clock, deadline) \
    SNAG_EXPORT int name params                                                   \
    {                                                                             \
        SNAG_REAL_OR_RETURN(name, 0);                                             \
        uintptr_t site = SNAG_CALLER();                                           \
        int result = snag_real.try_name(lock);                                    \
        if (SNAG_LIKELY(result == 0)) {                                           \
            snag_record_acquire(SNAG_T(RWLOCK, acquired_op), lock, site);         \
            if (call <= CLOCK_RD) snag_held_add(lock);                            \
            return 0;                                                             \
        }                                                                         \
        return lock_after_try(lock, site, result, call, clock, deadline);         \
    }

RWLOCK_ACQUIRE(pthread_rwlock_rdlock, pthread_rwlock_tryrdlock, RD, ACQUIRE_SHARED, (pthread_rwlock_t * lock), 0,
               NULL)
RWLOCK_ACQUIRE(pthread_rwlock_timedrdlock, pthread_rwlock_tryrdlock, TIMED_RD, ACQUIRE_SHARED,
               (pthread_rwlock_t * lock, const struct timespec *deadline), 0, deadline)
RWLOCK_ACQUIRE(pthread_rwlock_clockrdlock, pthread_rwlock_tryrdlock, CLOCK_RD, ACQUIRE_SHARED,
               (pthread_rwlock_t * lock, clockid_t clock, const struct timespec *deadline), clock, deadline)
RWLOCK_ACQUIRE(pthread_rwlock_wrlock, pthread_rwlock_trywrlock, WR, ACQUIRE, (pthread_rwlock_t * lock), 0, NULL)
RWLOCK_ACQUIRE(pthread_rwlock_timedwrlock, pthread_rwlock_trywrlock, TIMED_WR, ACQUIRE,
               (pthread_rwlock_t * lock, const struct timespec *deadline), 0, deadline)
RWLOCK_ACQUIRE(pthread_rwlock_clockwrlock, pthread_rwlock_trywrlock, CLOCK_WR, ACQUIRE,
               (pthread_rwlock_t * lock, clockid_t clock, const struct timespec *deadline), clock, deadline)

SNAG_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_rwlock_tryrdlock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_rwlock_tryrdlock(lock);
    if (result == 0) {
        snag_record_try_acquire(SNAG_T(RWLOCK, ACQUIRE_SHARED), lock, site);
        snag_held_add(lock);
    } else if (result == EBUSY) {
        snag_record(SNAG_T(RWLOCK, TRY_BUSY), lock, site);
    }
    return result;
}

SNAG_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_rwlock_trywrlock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_rwlock_trywrlock(lock);
    if (result == 0) snag_record_try_acquire(SNAG_T(RWLOCK, ACQUIRE), lock, site);
    else if (result == EBUSY) snag_record(SNAG_T(RWLOCK, TRY_BUSY), lock, site);
    return result;
}

SNAG_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_rwlock_unlock, 0);
    snag_record_release(SNAG_T(RWLOCK, RELEASE), lock, SNAG_CALLER());
    snag_held_remove(lock); /* a read lock; a write lock was never listed */
    int result = snag_real.pthread_rwlock_unlock(lock);
    if (SNAG_UNLIKELY(result != 0)) snag_record_failure(RWLOCK, lock, result);
    return result;
}
