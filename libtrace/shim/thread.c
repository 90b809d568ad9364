/* Thread creation, start, end, join, detach and names: pthread_* and C11
 * thrd_*. New threads begin in a trampoline that records their start and
 * their end, however they end (return, pthread_exit, cancellation). */
#define _GNU_SOURCE
#include "thread.h"

#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "wrap.h"

#define THREAD SNAG_CLASS_THREAD

struct start {
    void *(*routine)(void *);
    int (*c11_routine)(void *);
    void *argument;
};

static void record_name(pthread_t thread, const char *name)
{
    char payload[8 + 64];
    uint64_t handle = (uint64_t)thread;
    size_t length = strnlen(name, 63);
    memcpy(payload, &handle, 8);
    memcpy(payload + 8, name, length);
    payload[8 + length] = '\0';
    snag_emit_variable(SNAG_REC_THREAD_NAME, 0, payload, 8 + length + 1);
}

void snag_record_thread_name_now(void)
{
    char name[17] = {0};
    int saved_errno = errno;
    if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0) record_name(pthread_self(), name);
    errno = saved_errno;
}

static void record_exit(uint16_t how)
{
    if (snag_thread.exit_recorded) return;
    snag_record_thread_name_now();
    snag_record_aux(SNAG_T(THREAD, EXIT), (void *)pthread_self(), how);
    snag_thread.exit_recorded = 1;
    snag_wait_slot_release();
    snag_writer_thread_ended();
}

static void cancelled(void *unused)
{
    (void)unused;
    record_exit(SNAG_THREAD_EXIT_CANCELLED); /* pthread_exit recorded itself first */
}

static void *trampoline(void *argument)
{
    struct start start = *(struct start *)argument;
    free(argument);
    snag_stack_set_thread_bounds(0);
    snag_record(SNAG_T(THREAD, START), (void *)pthread_self(), (uintptr_t)(start.routine ? (void *)start.routine
                                                                                          : (void *)start.c11_routine));
    void *result;
    pthread_cleanup_push(cancelled, NULL);
    if (start.routine) result = start.routine(start.argument);
    else result = (void *)(intptr_t)start.c11_routine(start.argument);
    pthread_cleanup_pop(0);
    record_exit(SNAG_THREAD_EXIT_RETURN);
    return result;
}

static struct start *new_start(void *(*routine)(void *), int (*c11_routine)(void *), void *argument)
{
    int saved_errno = errno;
    struct start *start = malloc(sizeof *start);
    errno = saved_errno;
    if (start) *start = (struct start){routine, c11_routine, argument};
    return start;
}

SNAG_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attributes, void *(*routine)(void *),
                               void *argument)
{
    SNAG_REAL_OR_RETURN(pthread_create, EAGAIN);
    uintptr_t site = SNAG_CALLER();
    struct start *start = new_start(routine, NULL, argument);
    if (!start) return snag_real.pthread_create(thread, attributes, routine, argument); /* untraced start */
    int result = snag_real.pthread_create(thread, attributes, trampoline, start);
    if (result != 0) free(start);
    else snag_record_with_stack(SNAG_T(THREAD, CREATE), (void *)*thread, site);
    return result;
}

/* thrd_create hands our trampoline's pointer result back as the int the
 * routine returned (glibc marks C11 threads and converts). */
static int c11_trampoline(void *argument)
{
    return (int)(intptr_t)trampoline(argument);
}

SNAG_EXPORT int thrd_create(thrd_t *thread, thrd_start_t routine, void *argument)
{
    SNAG_REAL_OR_RETURN(thrd_create, thrd_error);
    uintptr_t site = SNAG_CALLER();
    struct start *start = new_start(NULL, routine, argument);
    if (!start) return snag_real.thrd_create(thread, routine, argument);
    int result = snag_real.thrd_create(thread, c11_trampoline, start);
    if (result != thrd_success) free(start);
    else snag_record_with_stack(SNAG_T(THREAD, CREATE), (void *)*thread, site);
    return result;
}

static void join_cancelled(void *thread)
{
    snag_wait_end();
    snag_record_aux(SNAG_T(THREAD, FAILED), thread, SNAG_AUX_CANCELLED);
}

/* A join is a wait for the other thread's end: WAIT, then ACQUIRE when joined. */
SNAG_EXPORT int pthread_join(pthread_t thread, void **result)
{
    SNAG_REAL_OR_RETURN(pthread_join, EINVAL);
    uintptr_t site = SNAG_CALLER();
    snag_wait_begin(THREAD, SNAG_OP_WAIT, (void *)thread, site, 0);
    int status;
    pthread_cleanup_push(join_cancelled, (void *)thread);
    status = snag_real.pthread_join(thread, result);
    pthread_cleanup_pop(0);
    snag_wait_end();
    if (status == 0) snag_record_aux(SNAG_T(THREAD, ACQUIRE), (void *)thread, SNAG_SITE_NONE);
    else snag_record_failure(THREAD, (void *)thread, status);
    return status;
}

SNAG_EXPORT int pthread_timedjoin_np(pthread_t thread, void **result, const struct timespec *deadline)
{
    SNAG_REAL_OR_RETURN(pthread_timedjoin_np, EINVAL);
    uintptr_t site = SNAG_CALLER();
    snag_wait_begin(THREAD, SNAG_OP_WAIT, (void *)thread, site, SNAG_WAIT_TIMED);
    int status;
    pthread_cleanup_push(join_cancelled, (void *)thread);
    status = snag_real.pthread_timedjoin_np(thread, result, deadline);
    pthread_cleanup_pop(0);
    snag_wait_end();
    if (status == 0) snag_record_aux(SNAG_T(THREAD, ACQUIRE), (void *)thread, SNAG_SITE_NONE);
    else snag_record_failure(THREAD, (void *)thread, status);
    return status;
}

SNAG_EXPORT int pthread_tryjoin_np(pthread_t thread, void **result)
{
    SNAG_REAL_OR_RETURN(pthread_tryjoin_np, EINVAL);
    uintptr_t site = SNAG_CALLER();
    int status = snag_real.pthread_tryjoin_np(thread, result);
    if (status == 0) snag_record(SNAG_T(THREAD, ACQUIRE), (void *)thread, site);
    else if (status == EBUSY) snag_record(SNAG_T(THREAD, TRY_BUSY), (void *)thread, site);
    return status;
}

SNAG_EXPORT int thrd_join(thrd_t thread, int *result)
{
    SNAG_REAL_OR_RETURN(thrd_join, thrd_error);
    uintptr_t site = SNAG_CALLER();
    snag_wait_begin(THREAD, SNAG_OP_WAIT, (void *)thread, site, 0);
    int status = snag_real.thrd_join(thread, result);
    snag_wait_end();
    if (status == thrd_success) snag_record_aux(SNAG_T(THREAD, ACQUIRE), (void *)thread, SNAG_SITE_NONE);
    else snag_record_failure(THREAD, (void *)thread, EINVAL);
    return status;
}

SNAG_EXPORT int pthread_detach(pthread_t thread)
{
    SNAG_REAL_OR_RETURN(pthread_detach, EINVAL);
    snag_record(SNAG_T(THREAD, RELEASE), (void *)thread, SNAG_CALLER());
    return snag_real.pthread_detach(thread);
}

SNAG_EXPORT int thrd_detach(thrd_t thread)
{
    SNAG_REAL_OR_RETURN(thrd_detach, thrd_error);
    snag_record(SNAG_T(THREAD, RELEASE), (void *)thread, SNAG_CALLER());
    return snag_real.thrd_detach(thread);
}

SNAG_EXPORT void pthread_exit(void *result)
{
    if (snag_real.pthread_exit == NULL) snag_real_resolve();
    record_exit(SNAG_THREAD_EXIT_PTHREAD_EXIT);
    snag_real.pthread_exit(result);
    __builtin_unreachable();
}

SNAG_EXPORT void thrd_exit(int result)
{
    if (snag_real.thrd_exit == NULL) snag_real_resolve();
    record_exit(SNAG_THREAD_EXIT_PTHREAD_EXIT);
    snag_real.thrd_exit(result);
    __builtin_unreachable();
}

SNAG_EXPORT int pthread_setname_np(pthread_t thread, const char *name)
{
    SNAG_REAL_OR_RETURN(pthread_setname_np, 0);
    int result = snag_real.pthread_setname_np(thread, name);
    if (result == 0) record_name(thread, name);
    return result;
}
