/* pthread_cond_* wrappers. A wait is recorded as: the mutex released, the
 * condvar waited on (its site), then the wake-up and the mutex taken back.
 * The reader pairs a condvar with its mutex by that adjacency. */
#define _GNU_SOURCE
#include "wrap.h"

#define COND SNAG_CLASS_COND
#define MUTEX SNAG_CLASS_MUTEX

struct cond_wait {
    const void *cond, *mutex;
    uintptr_t site;
    unsigned flags; /* SNAG_WAIT_TIMED for the timed waits */
};

static void begin_wait(const struct cond_wait *wait)
{
    snag_record_release(SNAG_T(MUTEX, RELEASE), wait->mutex, wait->site);
    snag_wait_begin_releasing(COND, wait->cond, wait->site, wait->flags, wait->mutex);
}

static void end_wait(const struct cond_wait *wait, int result)
{
    snag_wait_end();
    snag_record_aux(SNAG_T(COND, WAKE), wait->cond, (uint16_t)result);
    snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), wait->mutex, wait->site);
}

/* Cancelled inside the wait: glibc takes the mutex back before running the
 * cleanup handlers, so the trace says so too. */
static void wait_cancelled(void *argument)
{
    const struct cond_wait *wait = argument;
    snag_wait_end();
    snag_record_aux(SNAG_T(COND, FAILED), wait->cond, SNAG_AUX_CANCELLED);
    snag_record_acquire(SNAG_T(MUTEX, ACQUIRE), wait->mutex, wait->site);
}

/* pthread_cleanup_push with -fexceptions is a cleanup attribute: free unless
 * the thread is really cancelled. */
#define WAIT_CANCELLABLE(wait, result, call)            \
    do {                                                \
        pthread_cleanup_push(wait_cancelled, &(wait));  \
        (result) = (call);                              \
        pthread_cleanup_pop(0);                         \
    } while (0)

SNAG_EXPORT int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attributes)
{
    SNAG_REAL_OR_RETURN(pthread_cond_init, 0);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.pthread_cond_init(cond, attributes);
    if (result == 0) snag_record(SNAG_T(COND, INIT), cond, site);
    return result;
}

SNAG_EXPORT int pthread_cond_destroy(pthread_cond_t *cond)
{
    SNAG_REAL_OR_RETURN(pthread_cond_destroy, 0);
    snag_record(SNAG_T(COND, DESTROY), cond, SNAG_CALLER());
    int result = snag_real.pthread_cond_destroy(cond);
    if (result != 0) snag_record_failure(COND, cond, result);
    return result;
}

SNAG_EXPORT int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex)
{
    SNAG_REAL_OR_RETURN(pthread_cond_wait, 0);
    struct cond_wait wait = {cond, mutex, SNAG_CALLER(), 0};
    int result;
    begin_wait(&wait);
    WAIT_CANCELLABLE(wait, result, snag_real.pthread_cond_wait(cond, mutex));
    end_wait(&wait, result);
    return result;
}

SNAG_EXPORT int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *deadline)
{
    SNAG_REAL_OR_RETURN(pthread_cond_timedwait, 0);
    struct cond_wait wait = {cond, mutex, SNAG_CALLER(), SNAG_WAIT_TIMED};
    int result;
    begin_wait(&wait);
    WAIT_CANCELLABLE(wait, result, snag_real.pthread_cond_timedwait(cond, mutex, deadline));
    end_wait(&wait, result);
    return result;
}

SNAG_EXPORT int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                                       const struct timespec *deadline)
{
    SNAG_REAL_OR_RETURN(pthread_cond_clockwait, 0);
    struct cond_wait wait = {cond, mutex, SNAG_CALLER(), SNAG_WAIT_TIMED};
    int result;
    begin_wait(&wait);
    WAIT_CANCELLABLE(wait, result, snag_real.pthread_cond_clockwait(cond, mutex, clock, deadline));
    end_wait(&wait, result);
    return result;
}

SNAG_EXPORT int pthread_cond_signal(pthread_cond_t *cond)
{
    SNAG_REAL_OR_RETURN(pthread_cond_signal, 0);
    snag_record(SNAG_T(COND, SIGNAL), cond, SNAG_CALLER());
    return snag_real.pthread_cond_signal(cond);
}

SNAG_EXPORT int pthread_cond_broadcast(pthread_cond_t *cond)
{
    SNAG_REAL_OR_RETURN(pthread_cond_broadcast, 0);
    snag_record(SNAG_T(COND, BROADCAST), cond, SNAG_CALLER());
    return snag_real.pthread_cond_broadcast(cond);
}

/* C11 condvars: glibc implements them without calling the public pthread
 * symbols, so they are wrapped on their own; cnd_t has the pthread_cond_t
 * layout and mtx_t the pthread_mutex_t one, so the records are the same. */
SNAG_EXPORT int cnd_init(cnd_t *cond)
{
    SNAG_REAL_OR_RETURN(cnd_init, thrd_error);
    uintptr_t site = SNAG_CALLER();
    int result = snag_real.cnd_init(cond);
    if (result == thrd_success) snag_record(SNAG_T(COND, INIT), cond, site);
    return result;
}

SNAG_EXPORT void cnd_destroy(cnd_t *cond)
{
    if (snag_real.cnd_destroy == NULL && !snag_real_resolve()) return;
    snag_record(SNAG_T(COND, DESTROY), cond, SNAG_CALLER());
    snag_real.cnd_destroy(cond);
}

SNAG_EXPORT int cnd_wait(cnd_t *cond, mtx_t *mutex)
{
    SNAG_REAL_OR_RETURN(cnd_wait, thrd_error);
    struct cond_wait wait = {cond, mutex, SNAG_CALLER(), 0};
    int result;
    begin_wait(&wait);
    WAIT_CANCELLABLE(wait, result, snag_real.cnd_wait(cond, mutex));
    end_wait(&wait, result);
    return result;
}

SNAG_EXPORT int cnd_timedwait(cnd_t *restrict cond, mtx_t *restrict mutex, const struct timespec *restrict deadline)
{
    SNAG_REAL_OR_RETURN(cnd_timedwait, thrd_error);
    struct cond_wait wait = {cond, mutex, SNAG_CALLER(), SNAG_WAIT_TIMED};
    int result;
    begin_wait(&wait);
    WAIT_CANCELLABLE(wait, result, snag_real.cnd_timedwait(cond, mutex, deadline));
    end_wait(&wait, result);
    return result;
}

SNAG_EXPORT int cnd_signal(cnd_t *cond)
{
    SNAG_REAL_OR_RETURN(cnd_signal, thrd_error);
    snag_record(SNAG_T(COND, SIGNAL), cond, SNAG_CALLER());
    return snag_real.cnd_signal(cond);
}

SNAG_EXPORT int cnd_broadcast(cnd_t *cond)
{
    SNAG_REAL_OR_RETURN(cnd_broadcast, thrd_error);
    snag_record(SNAG_T(COND, BROADCAST), cond, SNAG_CALLER());
    return snag_real.cnd_broadcast(cond);
}
