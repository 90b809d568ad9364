/* C11 mtx_* wrappers: glibc implements them without the public pthread
 * symbols; mtx_t has the pthread_mutex_t layout, so records use the mutex
 * class and the reader sees one kind of lock. */
#define _GNU_SOURCE
#include "wrap.h"

#define MUTEX SNAG_CLASS_MUTEX

SNAG_EXPORT int mtx_init(mtx_t *mutex, int type)
{
    SNAG_REAL_OR_RETURN(mtx_init, thrd_error);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.mtx_init(mutex, type);
    if (result == thrd_success) {
        snag_record(SNAG_T(MUTEX, INIT), mutex, site);
        if (type & mtx_recursive) snag_record_aux(SNAG_T(MUTEX, ATTRIBUTE), mutex, PTHREAD_MUTEX_RECURSIVE);
    }
    return result;
}

SNAG_EXPORT void mtx_destroy(mtx_t *mutex)
{
    if (snag_real.mtx_destroy == NULL && !snag_real_resolve()) return;
    snag_record(SNAG_T(MUTEX, DESTROY), mutex, SNAG_CALLER());
    snag_real.mtx_destroy(mutex);
}

static SNAG_SLOW int lock_after_try(mtx_t *mutex, uintptr_t site, int try_result,
                                    const struct timespec *restrict deadline)
{
    if (try_result == thrd_busy) {
        snag_wait_begin(MUTEX, SNAG_OP_WAIT, mutex, site, deadline ? SNAG_WAIT_TIMED : 0);
    }
    int result = deadline ? snag_real.mtx_timedlock(mutex, deadline) : snag_real.mtx_lock(mutex);
    snag_wait_end();
    if (result == thrd_success) snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
    else snag_record_failure(MUTEX, mutex, result == thrd_timedout ? ETIMEDOUT : EINVAL);
    return result;
}

SNAG_EXPORT int mtx_lock(mtx_t *mutex)
{
    SNAG_REAL_OR_RETURN(mtx_lock, thrd_success);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.mtx_trylock(mutex);
    if (SNAG_LIKELY(result == thrd_success)) {
        snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
        return result;
    }
    return lock_after_try(mutex, site, result, NULL);
}

SNAG_EXPORT int mtx_timedlock(mtx_t *restrict mutex, const struct timespec *restrict deadline)
{
    SNAG_REAL_OR_RETURN(mtx_timedlock, thrd_success);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.mtx_trylock(mutex);
    if (SNAG_LIKELY(result == thrd_success)) {
        snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
        return result;
    }
    return lock_after_try(mutex, site, result, deadline);
}

SNAG_EXPORT int mtx_trylock(mtx_t *mutex)
{
    SNAG_REAL_OR_RETURN(mtx_trylock, thrd_success);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.mtx_trylock(mutex);
    if (result == thrd_success) snag_record_try_acquire(SNAG_T(MUTEX, ACQUIRE), mutex, site);
    else if (result == thrd_busy) snag_record(SNAG_T(MUTEX, TRY_BUSY), mutex, site);
    return result;
}

SNAG_EXPORT int mtx_unlock(mtx_t *mutex)
{
    SNAG_REAL_OR_RETURN(mtx_unlock, thrd_success);
    snag_record_release(SNAG_T(MUTEX, RELEASE), mutex, SNAG_CALLER());
    int result = snag_real.mtx_unlock(mutex);
    if (SNAG_UNLIKELY(result != thrd_success)) snag_record_failure(MUTEX, mutex, EPERM);
    return result;
}
