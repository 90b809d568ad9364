/* pthread_barrier_* wrappers. */
#define _GNU_SOURCE
#include "wrap.h"

#define BARRIER SNAG_CLASS_BARRIER

SNAG_EXPORT int pthread_barrier_init(pthread_barrier_t *barrier, const pthread_barrierattr_t *attributes,
                                     unsigned count)
{
    SNAG_REAL_OR_RETURN(pthread_barrier_init, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_barrier_init(barrier, attributes, count);
    if (result == 0) {
        snag_record(SNAG_T(BARRIER, INIT), barrier, site);
        snag_record_aux(SNAG_T(BARRIER, ATTRIBUTE), barrier, (uint16_t)(count < 0xffff ? count : 0xffff));
    }
    return result;
}

SNAG_EXPORT int pthread_barrier_destroy(pthread_barrier_t *barrier)
{
    SNAG_REAL_OR_RETURN(pthread_barrier_destroy, 0);
    snag_record(SNAG_T(BARRIER, DESTROY), barrier, SNAG_CALLER());
    int result = snag_real.pthread_barrier_destroy(barrier);
    if (result != 0) snag_record_failure(BARRIER, barrier, result);
    return result;
}

/* pthread_barrier_wait is not a cancellation point: no cleanup needed. */
SNAG_EXPORT int pthread_barrier_wait(pthread_barrier_t *barrier)
{
    SNAG_REAL_OR_RETURN(pthread_barrier_wait, 0);
    uintptr_t site = SNAG_CALLER();
    snag_wait_begin(BARRIER, SNAG_OP_WAIT, barrier, site, 0);
    int result = snag_real.pthread_barrier_wait(barrier);
    snag_wait_end();
    snag_record_aux(SNAG_T(BARRIER, WAKE), barrier, result == PTHREAD_BARRIER_SERIAL_THREAD ? 1 : 0);
    return result;
}
