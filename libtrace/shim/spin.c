/* pthread_spin_* wrappers. */
#define _GNU_SOURCE
#include "wrap.h"

#define SPIN SNAG_CLASS_SPIN

SNAG_EXPORT int pthread_spin_init(pthread_spinlock_t *lock, int shared)
{
    SNAG_REAL_OR_RETURN(pthread_spin_init, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_spin_init(lock, shared);
    if (result == 0) snag_record(SNAG_T(SPIN, INIT), lock, site);
    return result;
}

SNAG_EXPORT int pthread_spin_destroy(pthread_spinlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_spin_destroy, 0);
    snag_record(SNAG_T(SPIN, DESTROY), lock, SNAG_CALLER());
    return snag_real.pthread_spin_destroy(lock);
}

static SNAG_SLOW int lock_after_try(pthread_spinlock_t *lock, uintptr_t site)
{
    snag_wait_begin(SPIN, SNAG_OP_WAIT, lock, site, 0);
    int result = snag_real.pthread_spin_lock(lock);
    snag_wait_end();
    if (result == 0) {
        snag_record_acquire(SNAG_T(SPIN, ACQUIRE), lock, site);
        snag_held_add(lock);
    } else {
        snag_record_failure(SPIN, lock, result);
    }
    return result;
}

SNAG_EXPORT int pthread_spin_lock(pthread_spinlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_spin_lock, 0);
    uintptr_t site = SNAG_CALLER();
    if (SNAG_LIKELY(snag_real.pthread_spin_trylock(lock) == 0)) {
        snag_record_acquire(SNAG_T(SPIN, ACQUIRE), lock, site);
        snag_held_add(lock);
        return 0;
    }
    return lock_after_try(lock, site);
}

SNAG_EXPORT int pthread_spin_trylock(pthread_spinlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_spin_trylock, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_spin_trylock(lock);
    if (result == 0) {
        snag_record_try_acquire(SNAG_T(SPIN, ACQUIRE), lock, site);
        snag_held_add(lock);
    } else {
        snag_record(SNAG_T(SPIN, TRY_BUSY), lock, site);
    }
    return result;
}

SNAG_EXPORT int pthread_spin_unlock(pthread_spinlock_t *lock)
{
    SNAG_REAL_OR_RETURN(pthread_spin_unlock, 0);
    snag_record_release(SNAG_T(SPIN, RELEASE), lock, SNAG_CALLER());
    snag_held_remove(lock);
    return snag_real.pthread_spin_unlock(lock);
}
