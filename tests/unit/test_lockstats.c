/* Unit tests for the lock statistics (libtrace/reader/lockstats.c).
 *
 * Each test writes a synthetic trace (trace_builder.h) with one tick per
 * nanosecond, so every figure below is exact: acquisitions, contention, wait
 * and hold times, per call site and per thread, for every object class.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/format.h"
#include "snag/lockstats.h"
#include "snag/reader.h"
#include "trace_builder.h"

#define LOCK_A UINT64_C(0x555555558040)
#define LOCK_B UINT64_C(0x555555558080)
#define LOCK_C UINT64_C(0x5555555580c0)
#define LOCK_D UINT64_C(0x555555558100)
#define LOCK_E UINT64_C(0x555555558140)
#define LOCK_F UINT64_C(0x555555558180)
#define THREAD_2_SELF UINT64_C(0x7f1000800640)
#define SITE_1 UINT64_C(0x555555555123)
#define SITE_2 UINT64_C(0x555555555456)
#define SITE_3 UINT64_C(0x555555555789)

#define MUTEX SNAG_CLASS_MUTEX
#define RWLOCK SNAG_CLASS_RWLOCK
#define SPIN SNAG_CLASS_SPIN
#define COND SNAG_CLASS_COND
#define SEM SNAG_CLASS_SEM
#define BARRIER SNAG_CLASS_BARRIER
#define THREAD SNAG_CLASS_THREAD


struct fixture {
    char *directory;
    struct snag_trace *trace;
    struct snag_lockstats *stats;
};

static int make_fixture(void **state)
{
    struct fixture *fixture = calloc(1, sizeof *fixture);
    if (!fixture) return -1;
    fixture->directory = tb_temp_dir();
    *state = fixture;
    return 0;
}

static int free_fixture(void **state)
{
    struct fixture *fixture = *state;
    snag_lockstats_free(fixture->stats);
    snag_trace_close(fixture->trace);
    tb_remove_tree(fixture->directory);
    free(fixture->directory);
    free(fixture);
    return 0;
}

/* Writes the file(s) into the fixture's directory, opens the trace and
 * computes its statistics. */
static const struct snag_lockstats *compute(void **state, struct tb_file *file)
{
    struct fixture *fixture = *state;
    if (file) {
        assert_int_equal(tb_write_into(file, fixture->directory), 0);
        tb_free(file);
    }
    char error[1024] = "";
    fixture->trace = snag_trace_open(fixture->directory, error, sizeof error);
    if (!fixture->trace) fail_msg("snag_trace_open: %s", error);
    assert_int_equal(snag_trace_warning_count(fixture->trace), 0);
    fixture->stats = snag_lockstats_compute(fixture->trace);
    assert_non_null(fixture->stats);
    return fixture->stats;
}

static const struct snag_lock_stats *find_lock(const struct snag_lockstats *stats, uint32_t process,
                                               uint8_t object_class, uint64_t address, uint32_t instance)
{
    for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++) {
        const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
        if (lock->process == process && lock->object_class == object_class && lock->address == address &&
            lock->instance == instance)
            return lock;
    }
    fail_msg("no %s at 0x%llx (instance %u) in process %u", snag_class_name(object_class),
             (unsigned long long)address, instance, process);
    return NULL;
}

static const struct snag_site_stats *find_site(const struct snag_lock_stats *lock, uint64_t site)
{
    for (size_t index = 0; index < lock->site_count; index++)
        if (lock->sites[index].site == site) return &lock->sites[index];
    fail_msg("no call site 0x%llx for the lock at 0x%llx", (unsigned long long)site,
             (unsigned long long)lock->address);
    return NULL;
}

static void assert_site(const struct snag_lock_stats *lock, uint64_t site, uint64_t acquisitions, uint64_t contended,
                        uint64_t wait_ns)
{
    const struct snag_site_stats *entry = find_site(lock, site);
    assert_int_equal(entry->acquisitions, acquisitions);
    assert_int_equal(entry->contended, contended);
    assert_int_equal(entry->wait_ns_total, wait_ns);
}

/* Statistics of the thread with local index `local` in process 0. */
static const struct snag_thread_stats *thread_stats(void **state, uint32_t local)
{
    const struct fixture *fixture = *state;
    for (size_t index = 0; index < snag_trace_thread_count(fixture->trace); index++) {
        const struct snag_thread_info *thread = snag_trace_thread(fixture->trace, index);
        if (thread->process == 0 && thread->local_index == local)
            return snag_lockstats_thread(fixture->stats, (uint32_t)index);
    }
    fail_msg("no thread %u", local);
    return NULL;
}

static void assert_blocked(const struct snag_thread_stats *thread, uint64_t lock, uint64_t cond, uint64_t sem,
                           uint64_t barrier, uint64_t join)
{
    assert_int_equal(thread->blocked_ns[SNAG_BLOCK_LOCK], lock);
    assert_int_equal(thread->blocked_ns[SNAG_BLOCK_COND], cond);
    assert_int_equal(thread->blocked_ns[SNAG_BLOCK_SEM], sem);
    assert_int_equal(thread->blocked_ns[SNAG_BLOCK_BARRIER], barrier);
    assert_int_equal(thread->blocked_ns[SNAG_BLOCK_JOIN], join);
}

#define EVENT(file, thread, ticks, cls, op, object, site) tb_event(file, thread, ticks, cls, SNAG_OP_##op, object, site)
#define EVENT_AUX(file, thread, ticks, cls, op, object, aux) \
    tb_event_aux(file, thread, ticks, cls, SNAG_OP_##op, object, aux)

/* ------------------------------------------------------------- locks */

static void lockstats_counts_uncontended_acquisitions_and_hold_times(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 5, MUTEX, INIT, LOCK_A, SITE_3);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 150, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 200, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 260, MUTEX, RELEASE, LOCK_A, SITE_2);
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 1);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->acquisitions, 2);
    assert_int_equal(lock->shared_acquisitions, 0);
    assert_int_equal(lock->contended, 0);
    assert_int_equal(lock->reacquisitions, 0);
    assert_int_equal(lock->try_busy, 0);
    assert_int_equal(lock->failures, 0);
    assert_int_equal(lock->signals, 0);
    assert_int_equal(lock->wait_ns_total, 0);
    assert_int_equal(lock->wait_ns_max, 0);
    assert_int_equal(lock->hold_ns_total, 110); /* 50 + 60: release - acquire */
    assert_int_equal(lock->hold_ns_max, 60);
    assert_int_equal(lock->init_site, SITE_3);
    assert_int_equal(lock->first_site, SITE_1);
    assert_int_equal(lock->first_ns, 5);
    assert_int_equal(lock->last_ns, 260);
    assert_false(lock->has_attribute);
    assert_int_equal(lock->site_count, 2);
    assert_site(lock, SITE_1, 1, 0, 0);
    assert_site(lock, SITE_2, 1, 0, 0);
    const struct snag_thread_stats *thread = thread_stats(state, 1);
    assert_int_equal(thread->acquisitions, 2);
    assert_blocked(thread, 0, 0, 0, 0, 0);
}

static void lockstats_counts_a_contended_acquisition_and_its_wait(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 150, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 2, 120, MUTEX, WAIT, LOCK_A, SITE_2); /* the try failed: blocks */
    EVENT(file, 2, 150, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 2, 170, MUTEX, RELEASE, LOCK_A, SITE_2);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->acquisitions, 2);
    assert_int_equal(lock->contended, 1);
    assert_int_equal(lock->wait_ns_total, 30);
    assert_int_equal(lock->wait_ns_max, 30);
    assert_int_equal(lock->hold_ns_total, 70);
    assert_int_equal(lock->hold_ns_max, 50);
    assert_int_equal(lock->first_site, SITE_1);
    assert_site(lock, SITE_1, 1, 0, 0);
    assert_site(lock, SITE_2, 1, 1, 30);
    assert_blocked(thread_stats(state, 1), 0, 0, 0, 0, 0);
    assert_blocked(thread_stats(state, 2), 30, 0, 0, 0, 0);
    assert_int_equal(thread_stats(state, 2)->acquisitions, 1);
}

static void lockstats_holds_a_recursive_mutex_from_outermost_acquire_to_outermost_release(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 1, MUTEX, INIT, LOCK_A, SITE_3);
    EVENT_AUX(file, 1, 1, MUTEX, ATTRIBUTE, LOCK_A, 1); /* recursive */
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 110, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 115, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 120, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 130, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 200, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 300, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 310, MUTEX, RELEASE, LOCK_A, SITE_1);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->acquisitions, 4); /* every successful lock call */
    assert_int_equal(lock->hold_ns_total, 110); /* 100..200 once, then 300..310 */
    assert_int_equal(lock->hold_ns_max, 100);
    assert_true(lock->has_attribute);
    assert_int_equal(lock->attribute, 1);
    assert_site(lock, SITE_1, 2, 0, 0);
    assert_site(lock, SITE_2, 2, 0, 0);
}

static void lockstats_counts_rwlock_shared_and_exclusive_acquisitions(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, RWLOCK, ACQUIRE_SHARED, LOCK_A, SITE_1);
    EVENT(file, 2, 110, RWLOCK, ACQUIRE_SHARED, LOCK_A, SITE_1);
    EVENT(file, 3, 120, RWLOCK, WAIT, LOCK_A, SITE_2); /* a writer waits for both readers */
    EVENT(file, 1, 150, RWLOCK, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 2, 170, RWLOCK, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 3, 175, RWLOCK, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 176, RWLOCK, WAIT_SHARED, LOCK_A, SITE_3); /* a reader waits for the writer */
    EVENT(file, 3, 180, RWLOCK, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 180, RWLOCK, ACQUIRE_SHARED, LOCK_A, SITE_3);
    EVENT(file, 1, 190, RWLOCK, RELEASE, LOCK_A, SITE_3);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, RWLOCK, LOCK_A, 0);
    assert_int_equal(lock->acquisitions, 4);
    assert_int_equal(lock->shared_acquisitions, 3);
    assert_int_equal(lock->contended, 2);
    assert_int_equal(lock->wait_ns_total, 59); /* 55 + 4 */
    assert_int_equal(lock->wait_ns_max, 55);
    assert_int_equal(lock->hold_ns_total, 125); /* readers 50 and 60 at once, writer 5, reader 10 */
    assert_int_equal(lock->hold_ns_max, 60);
    assert_site(lock, SITE_1, 2, 0, 0);
    assert_site(lock, SITE_2, 1, 1, 55);
    assert_site(lock, SITE_3, 1, 1, 4);
    assert_blocked(thread_stats(state, 3), 55, 0, 0, 0, 0);
    assert_blocked(thread_stats(state, 1), 4, 0, 0, 0, 0);
    assert_blocked(thread_stats(state, 2), 0, 0, 0, 0, 0);
}

/* The shim's 8-byte records for lock loops are the same acquisitions and
 * releases to the statistics. */
static void lockstats_counts_lock_loops_written_as_short_records(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    tb_short(file, 1, 110, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 200, SNAG_REC_REACQUIRE);
    tb_short(file, 1, 215, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 300, SNAG_REC_REACQUIRE);
    tb_short(file, 1, 330, SNAG_REC_RELEASE_PREVIOUS);
    EVENT(file, 2, 305, MUTEX, WAIT, LOCK_A, SITE_2);
    EVENT(file, 2, 330, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    tb_short(file, 2, 340, SNAG_REC_RELEASE_PREVIOUS);
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 1);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->acquisitions, 4);
    assert_int_equal(lock->contended, 1);
    assert_int_equal(lock->wait_ns_total, 25);
    assert_int_equal(lock->hold_ns_total, 65); /* 10 + 15 + 30 + 10 */
    assert_int_equal(lock->hold_ns_max, 30);
    assert_int_equal(lock->first_site, SITE_1);
    assert_int_equal(thread_stats(state, 1)->acquisitions, 3);
}

/* Regression: the reader gives a REACQUIRE the call site of the event decoded
 * before its ACQUIRE (see test_reader.c,
 * reader_gives_reacquire_the_call_site_of_the_acquisition_it_repeats), so
 * lock loops are counted under the wrong call site. */
static void lockstats_counts_lock_loop_acquisitions_under_their_call_site(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    tb_short(file, 1, 110, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 200, SNAG_REC_REACQUIRE);
    tb_short(file, 1, 215, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 300, SNAG_REC_REACQUIRE);
    tb_short(file, 1, 330, SNAG_REC_RELEASE_PREVIOUS);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->site_count, 1);
    assert_site(lock, SITE_1, 3, 0, 0);
}

static void lockstats_counts_try_busy_and_failed_timed_waits(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 2, 110, MUTEX, TRY_BUSY, LOCK_A, SITE_2);
    EVENT(file, 2, 120, MUTEX, TRY_BUSY, LOCK_A, SITE_2);
    EVENT(file, 2, 130, MUTEX, WAIT, LOCK_A, SITE_2); /* timedlock */
    EVENT_AUX(file, 2, 180, MUTEX, FAILED, LOCK_A, ETIMEDOUT);
    EVENT(file, 1, 200, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 2, 210, MUTEX, ACQUIRE, LOCK_A, SITE_2); /* a later, uncontended lock */
    EVENT(file, 2, 220, MUTEX, RELEASE, LOCK_A, SITE_2);
    /* an unlock refused (EPERM): a failure, no wait */
    EVENT(file, 3, 300, MUTEX, RELEASE, LOCK_B, SITE_3);
    EVENT_AUX(file, 3, 300, MUTEX, FAILED, LOCK_B, EPERM);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->acquisitions, 2);
    assert_int_equal(lock->contended, 0);
    assert_int_equal(lock->try_busy, 2);
    assert_int_equal(lock->failures, 1);
    assert_int_equal(lock->wait_ns_total, 50);
    assert_int_equal(lock->wait_ns_max, 50);
    assert_int_equal(lock->hold_ns_total, 110);
    assert_site(lock, SITE_2, 1, 0, 0);
    assert_blocked(thread_stats(state, 2), 50, 0, 0, 0, 0);
    assert_int_equal(thread_stats(state, 2)->acquisitions, 1);
    const struct snag_lock_stats *refused = find_lock(stats, 0, MUTEX, LOCK_B, 0);
    assert_int_equal(refused->failures, 1);
    assert_int_equal(refused->acquisitions, 0);
    assert_int_equal(refused->wait_ns_total, 0);
    assert_blocked(thread_stats(state, 3), 0, 0, 0, 0, 0);
}

/* ------------------------------------------------------------- condvars, semaphores, barriers */

/* A condition wait is: mutex RELEASE, cond WAIT, cond WAKE, mutex ACQUIRE. */
static void lockstats_accounts_a_condvar_wait_and_the_mutex_taken_back(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 110, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 110, COND, WAIT, LOCK_B, SITE_1);
    EVENT_AUX(file, 1, 300, COND, WAKE, LOCK_B, 0);
    EVENT(file, 1, 300, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 320, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 2, 290, COND, SIGNAL, LOCK_B, SITE_2);
    EVENT(file, 2, 295, COND, BROADCAST, LOCK_B, SITE_2);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *cond = find_lock(stats, 0, COND, LOCK_B, 0);
    assert_int_equal(cond->acquisitions, 1); /* a completed wait */
    assert_int_equal(cond->contended, 0);
    assert_int_equal(cond->wait_ns_total, 190);
    assert_int_equal(cond->wait_ns_max, 190);
    assert_int_equal(cond->signals, 2);
    assert_int_equal(cond->first_site, SITE_1);
    assert_site(cond, SITE_1, 1, 0, 190);
    const struct snag_lock_stats *mutex = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(mutex->acquisitions, 1);
    assert_int_equal(mutex->reacquisitions, 1); /* the re-lock inside the wait */
    assert_int_equal(mutex->contended, 0);
    assert_int_equal(mutex->wait_ns_total, 0);
    assert_int_equal(mutex->hold_ns_total, 30); /* 100..110, then 300..320 */
    assert_int_equal(mutex->hold_ns_max, 20);
    assert_site(mutex, SITE_1, 1, 0, 0);
    assert_blocked(thread_stats(state, 1), 0, 190, 0, 0, 0);
    assert_int_equal(thread_stats(state, 1)->acquisitions, 1);
    assert_blocked(thread_stats(state, 2), 0, 0, 0, 0, 0);
}

/* Cancelled in the wait: cond FAILED (cancelled), then the mutex re-lock. */
static void lockstats_counts_a_cancelled_condvar_wait_as_a_failure(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 110, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 110, COND, WAIT, LOCK_B, SITE_1);
    EVENT_AUX(file, 1, 200, COND, FAILED, LOCK_B, SNAG_AUX_CANCELLED);
    EVENT(file, 1, 200, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 210, MUTEX, RELEASE, LOCK_A, SITE_1);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *cond = find_lock(stats, 0, COND, LOCK_B, 0);
    assert_int_equal(cond->failures, 1);
    assert_int_equal(cond->acquisitions, 0);
    assert_int_equal(cond->wait_ns_total, 90);
    const struct snag_lock_stats *mutex = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(mutex->acquisitions, 1);
    assert_int_equal(mutex->reacquisitions, 1);
    assert_int_equal(mutex->hold_ns_total, 20);
    assert_blocked(thread_stats(state, 1), 0, 90, 0, 0, 0);
}

static void lockstats_counts_semaphore_posts_and_waits(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 1, SEM, INIT, LOCK_A, SITE_3);
    EVENT_AUX(file, 1, 1, SEM, ATTRIBUTE, LOCK_A, 0); /* initial value 0 */
    EVENT(file, 1, 100, SEM, WAIT, LOCK_A, SITE_1);   /* no token: blocks */
    EVENT(file, 2, 150, SEM, RELEASE, LOCK_A, SITE_2); /* post */
    EVENT(file, 1, 160, SEM, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 2, 190, SEM, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 200, SEM, ACQUIRE, LOCK_A, SITE_1); /* a token was there */
    EVENT(file, 3, 210, SEM, TRY_BUSY, LOCK_A, SITE_3); /* sem_trywait: EAGAIN */
    EVENT(file, 3, 220, SEM, WAIT, LOCK_A, SITE_3);     /* sem_timedwait */
    EVENT_AUX(file, 3, 260, SEM, FAILED, LOCK_A, ETIMEDOUT);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *sem = find_lock(stats, 0, SEM, LOCK_A, 0);
    assert_int_equal(sem->acquisitions, 2);
    assert_int_equal(sem->contended, 1);
    assert_int_equal(sem->signals, 2);
    assert_int_equal(sem->try_busy, 1);
    assert_int_equal(sem->failures, 1);
    assert_int_equal(sem->wait_ns_total, 100); /* 60 + 40 */
    assert_int_equal(sem->wait_ns_max, 60);
    assert_int_equal(sem->hold_ns_total, 0); /* posted by another thread: nothing is held */
    assert_true(sem->has_attribute);
    assert_int_equal(sem->attribute, 0);
    assert_int_equal(sem->init_site, SITE_3);
    assert_site(sem, SITE_1, 2, 1, 60);
    assert_blocked(thread_stats(state, 1), 0, 0, 60, 0, 0);
    assert_blocked(thread_stats(state, 3), 0, 0, 40, 0, 0);
    assert_blocked(thread_stats(state, 2), 0, 0, 0, 0, 0);
}

static void lockstats_counts_barrier_waits(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 1, BARRIER, INIT, LOCK_A, SITE_3);
    EVENT_AUX(file, 1, 1, BARRIER, ATTRIBUTE, LOCK_A, 2);
    EVENT(file, 1, 100, BARRIER, WAIT, LOCK_A, SITE_1);
    EVENT(file, 2, 130, BARRIER, WAIT, LOCK_A, SITE_2);
    EVENT_AUX(file, 2, 131, BARRIER, WAKE, LOCK_A, 1); /* the serial thread */
    EVENT_AUX(file, 1, 132, BARRIER, WAKE, LOCK_A, 0);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *barrier = find_lock(stats, 0, BARRIER, LOCK_A, 0);
    assert_int_equal(barrier->acquisitions, 2);
    assert_int_equal(barrier->wait_ns_total, 33); /* 32 + 1 */
    assert_int_equal(barrier->wait_ns_max, 32);
    assert_int_equal(barrier->attribute, 2);
    assert_site(barrier, SITE_1, 1, 0, 32);
    assert_site(barrier, SITE_2, 1, 0, 1);
    assert_blocked(thread_stats(state, 1), 0, 0, 0, 32, 0);
    assert_blocked(thread_stats(state, 2), 0, 0, 0, 1, 0);
}

/* ------------------------------------------------------------- instances, threads, order */

static void lockstats_starts_a_new_instance_after_destroy_and_init(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 10, MUTEX, INIT, LOCK_A, SITE_1);
    EVENT(file, 1, 20, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 30, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 40, MUTEX, DESTROY, LOCK_A, SITE_1);
    EVENT(file, 1, 50, MUTEX, INIT, LOCK_A, SITE_2); /* the same memory, a new mutex */
    EVENT(file, 1, 60, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 65, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 70, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 80, MUTEX, RELEASE, LOCK_A, SITE_2);
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 2);
    const struct snag_lock_stats *first = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    const struct snag_lock_stats *second = find_lock(stats, 0, MUTEX, LOCK_A, 1);
    assert_int_equal(first->acquisitions, 1);
    assert_int_equal(first->hold_ns_total, 10);
    assert_int_equal(first->init_site, SITE_1);
    assert_int_equal(first->first_ns, 10);
    assert_int_equal(first->last_ns, 40);
    assert_int_equal(second->acquisitions, 2);
    assert_int_equal(second->hold_ns_total, 15);
    assert_int_equal(second->init_site, SITE_2);
    assert_int_equal(second->first_ns, 50);
    assert_int_equal(second->last_ns, 80);
    assert_ptr_equal(snag_lockstats_lock(stats, 0), second); /* more acquisitions first */
}

/* Regression: lockstats.c rehash() re-inserts every instance, oldest first,
 * so once the table grows (512 objects) lookups of a re-initialised address
 * find the destroyed instance 0 again and charge it the new object's events. */
static void lockstats_keeps_the_newest_instance_current_as_the_table_grows(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 10, MUTEX, INIT, LOCK_A, SITE_1);
    EVENT(file, 1, 20, MUTEX, DESTROY, LOCK_A, SITE_1);
    EVENT(file, 1, 30, MUTEX, INIT, LOCK_A, SITE_2);
    for (uint64_t other = 0; other < 600; other++) /* enough objects to grow the table */
        EVENT(file, 1, 100 + other, MUTEX, INIT, UINT64_C(0x560000000000) + other * 64, SITE_3);
    EVENT(file, 1, 1000, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 1010, MUTEX, RELEASE, LOCK_A, SITE_2);
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 602);
    assert_int_equal(find_lock(stats, 0, MUTEX, LOCK_A, 0)->acquisitions, 0);
    assert_int_equal(find_lock(stats, 0, MUTEX, LOCK_A, 1)->acquisitions, 1);
    assert_int_equal(find_lock(stats, 0, MUTEX, LOCK_A, 1)->hold_ns_total, 10);
}

/* Many objects (the table grows) without re-initialisation: each keeps its own figures. */
static void lockstats_keeps_many_objects_apart(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    for (uint64_t index = 0; index < 2000; index++) {
        uint64_t address = UINT64_C(0x560000000000) + index * 64;
        EVENT(file, 1, 10 + 10 * index, MUTEX, ACQUIRE, address, SITE_1);
        EVENT(file, 1, 10 + 10 * index + index % 7, MUTEX, RELEASE, address, SITE_1);
    }
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 2000);
    for (uint64_t index = 0; index < 2000; index += 97) {
        const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, UINT64_C(0x560000000000) + index * 64, 0);
        assert_int_equal(lock->acquisitions, 1);
        assert_int_equal(lock->hold_ns_total, index % 7);
    }
}

static void lockstats_accounts_blocked_time_per_kind(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 100, MUTEX, WAIT, LOCK_A, SITE_1); /* lock: 10 */
    EVENT(file, 1, 110, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 111, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 120, SPIN, WAIT, LOCK_B, SITE_1); /* lock: 5 */
    EVENT(file, 1, 125, SPIN, ACQUIRE, LOCK_B, SITE_1);
    EVENT(file, 1, 126, SPIN, RELEASE, LOCK_B, SITE_1);
    EVENT(file, 1, 190, MUTEX, ACQUIRE, LOCK_A, SITE_2); /* cond: 20 */
    EVENT(file, 1, 200, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 200, COND, WAIT, LOCK_C, SITE_2);
    EVENT_AUX(file, 1, 220, COND, WAKE, LOCK_C, 0);
    EVENT(file, 1, 220, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 1, 221, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 1, 300, SEM, WAIT, LOCK_D, SITE_1); /* sem: 30 */
    EVENT(file, 1, 330, SEM, ACQUIRE, LOCK_D, SITE_1);
    EVENT(file, 1, 400, BARRIER, WAIT, LOCK_E, SITE_1); /* barrier: 40 */
    EVENT_AUX(file, 1, 440, BARRIER, WAKE, LOCK_E, 1);
    EVENT(file, 1, 500, THREAD, WAIT, THREAD_2_SELF, SITE_3); /* join: 50 */
    EVENT_AUX(file, 1, 550, THREAD, ACQUIRE, THREAD_2_SELF, SNAG_SITE_NONE);
    EVENT(file, 1, 600, RWLOCK, WAIT_SHARED, LOCK_F, SITE_1); /* lock: 6 */
    EVENT(file, 1, 606, RWLOCK, ACQUIRE_SHARED, LOCK_F, SITE_1);
    EVENT(file, 1, 607, RWLOCK, RELEASE, LOCK_F, SITE_1);
    EVENT(file, 1, 700, THREAD, WAIT, THREAD_2_SELF, SITE_3); /* a failed join: 5 */
    EVENT_AUX(file, 1, 705, THREAD, FAILED, THREAD_2_SELF, EINVAL);
    EVENT(file, 2, 50, THREAD, START, THREAD_2_SELF, SITE_3);
    EVENT_AUX(file, 2, 540, THREAD, EXIT, THREAD_2_SELF, SNAG_THREAD_EXIT_RETURN);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_thread_stats *thread = thread_stats(state, 1);
    assert_blocked(thread, 21, 20, 30, 40, 55);
    assert_int_equal(thread->acquisitions, 5); /* mutex, spinlock, mutex, sem, rwlock; not the re-lock */
    assert_blocked(thread_stats(state, 2), 0, 0, 0, 0, 0);
    /* threads are no locks */
    for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++)
        assert_int_not_equal(snag_lockstats_lock(stats, index)->object_class, THREAD);
    assert_int_equal(snag_lockstats_lock_count(stats), 6);
    assert_int_equal(find_lock(stats, 0, SPIN, LOCK_B, 0)->wait_ns_total, 5);
    assert_int_equal(find_lock(stats, 0, MUTEX, LOCK_A, 0)->wait_ns_total, 10);
    assert_null(snag_lockstats_thread(stats, 2));
}

/* A thread still blocked at the end of the trace waited until its end. */
static void lockstats_charges_a_wait_never_satisfied_until_the_thread_ends(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->end_ticks = 1000;
    EVENT(file, 2, 50, MUTEX, ACQUIRE, LOCK_A, SITE_2); /* never released: a deadlock */
    EVENT(file, 1, 100, MUTEX, WAIT, LOCK_A, SITE_1);  /* until the process ends */
    EVENT(file, 3, 300, THREAD, WAIT, THREAD_2_SELF, SITE_3); /* until its own end */
    EVENT_AUX(file, 3, 400, THREAD, EXIT, 0, SNAG_THREAD_EXIT_CANCELLED);
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->wait_ns_total, 900);
    assert_int_equal(lock->wait_ns_max, 900);
    assert_int_equal(lock->acquisitions, 1);
    assert_int_equal(lock->contended, 0);
    assert_blocked(thread_stats(state, 1), 900, 0, 0, 0, 0);
    assert_blocked(thread_stats(state, 3), 0, 0, 0, 0, 100);
}

static void contend(struct tb_file *file, uint64_t *ticks, uint64_t address, uint64_t wait)
{
    EVENT(file, 1, *ticks, MUTEX, WAIT, address, SITE_1);
    EVENT(file, 1, *ticks + wait, MUTEX, ACQUIRE, address, SITE_1);
    EVENT(file, 1, *ticks + wait + 1, MUTEX, RELEASE, address, SITE_1);
    *ticks += wait + 10;
}

static void acquire(struct tb_file *file, uint64_t *ticks, uint64_t address)
{
    EVENT(file, 1, *ticks, MUTEX, ACQUIRE, address, SITE_1);
    EVENT(file, 1, *ticks + 1, MUTEX, RELEASE, address, SITE_1);
    *ticks += 10;
}

static void lockstats_sorts_locks_by_wait_then_contention_then_acquisitions(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    uint64_t ticks = 100;
    for (int index = 0; index < 5; index++) acquire(file, &ticks, LOCK_A); /* no wait, 5 */
    contend(file, &ticks, LOCK_B, 100);                                  /* wait 100 */
    contend(file, &ticks, LOCK_C, 50);                                   /* wait 50, contended once, */
    for (int index = 0; index < 3; index++) acquire(file, &ticks, LOCK_C); /* 4 acquisitions */
    contend(file, &ticks, LOCK_D, 20);                                   /* wait 50, contended twice */
    contend(file, &ticks, LOCK_D, 30);
    for (int index = 0; index < 2; index++) acquire(file, &ticks, LOCK_E); /* no wait, 2 */
    for (int index = 0; index < 5; index++) acquire(file, &ticks, LOCK_F); /* no wait, 5: by address after A */
    const struct snag_lockstats *stats = compute(state, file);
    static const uint64_t order[] = {LOCK_B, LOCK_D, LOCK_C, LOCK_A, LOCK_F, LOCK_E};
    assert_int_equal(snag_lockstats_lock_count(stats), 6);
    for (size_t index = 0; index < 6; index++)
        assert_int_equal(snag_lockstats_lock(stats, index)->address, order[index]);
    assert_null(snag_lockstats_lock(stats, 6));
    assert_int_equal(snag_lockstats_lock(stats, 1)->contended, 2);
    assert_int_equal(snag_lockstats_lock(stats, 1)->wait_ns_total, 50);
    assert_int_equal(snag_lockstats_lock(stats, 1)->wait_ns_max, 30);
}

static void lockstats_counts_acquisitions_per_call_site(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 10, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 11, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 20, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 2, 25, MUTEX, WAIT, LOCK_A, SITE_2);
    EVENT(file, 1, 40, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 2, 40, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 2, 41, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 2, 50, MUTEX, WAIT, LOCK_A, SITE_2);
    EVENT(file, 2, 57, MUTEX, ACQUIRE, LOCK_A, SITE_2);
    EVENT(file, 2, 58, MUTEX, RELEASE, LOCK_A, SITE_2);
    EVENT(file, 3, 60, MUTEX, TRY_BUSY, LOCK_A, SITE_3); /* no acquisition: no site entry */
    const struct snag_lockstats *stats = compute(state, file);
    const struct snag_lock_stats *lock = find_lock(stats, 0, MUTEX, LOCK_A, 0);
    assert_int_equal(lock->site_count, 2);
    assert_site(lock, SITE_1, 2, 0, 0);
    assert_site(lock, SITE_2, 2, 2, 22);
    assert_int_equal(lock->acquisitions, 4);
    assert_int_equal(lock->contended, 2);
    assert_int_equal(lock->wait_ns_total, 22);
    assert_int_equal(lock->wait_ns_max, 15);
}

static void lockstats_keeps_objects_of_other_processes_and_classes_apart(void **state)
{
    struct fixture *fixture = *state;
    struct tb_file *other = tb_begin(200, 1);
    tb_header(other)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 1000;
    EVENT(other, 1, 10, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(other, 1, 15, MUTEX, RELEASE, LOCK_A, SITE_1);
    assert_int_equal(tb_write_into(other, fixture->directory), 0);
    tb_free(other);
    struct tb_file *file = tb_begin(100, 1);
    EVENT(file, 1, 10, MUTEX, ACQUIRE, LOCK_A, SITE_1);
    EVENT(file, 1, 30, MUTEX, RELEASE, LOCK_A, SITE_1);
    EVENT(file, 1, 40, COND, SIGNAL, LOCK_A, SITE_1); /* the same address as another class */
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 3);
    const struct snag_trace *trace = fixture->trace;
    uint32_t first = snag_trace_process(trace, 0)->pid == 100 ? 0 : 1;
    assert_int_equal(find_lock(stats, first, MUTEX, LOCK_A, 0)->hold_ns_total, 20);
    assert_int_equal(find_lock(stats, 1 - first, MUTEX, LOCK_A, 0)->hold_ns_total, 5);
    assert_int_equal(find_lock(stats, first, COND, LOCK_A, 0)->signals, 1);
    assert_int_equal(find_lock(stats, first, COND, LOCK_A, 0)->acquisitions, 0);
}

static void lockstats_names_block_kinds(void **state)
{
    (void)state;
    assert_string_equal(snag_block_kind_name(SNAG_BLOCK_LOCK), "lock");
    assert_string_equal(snag_block_kind_name(SNAG_BLOCK_COND), "cond");
    assert_string_equal(snag_block_kind_name(SNAG_BLOCK_SEM), "sem");
    assert_string_equal(snag_block_kind_name(SNAG_BLOCK_BARRIER), "barrier");
    assert_string_equal(snag_block_kind_name(SNAG_BLOCK_JOIN), "join");
    assert_string_equal(snag_block_kind_name(SNAG_BLOCK_KINDS), "?");
}

/* Regression: with no lock-like object in the trace, snag_lockstats_compute()
 * ends with qsort(NULL, 0, ...) (lockstats.c, stats->locks was never
 * allocated): undefined behaviour that UBSan reports, so this test fails in a
 * -DSNAG_SANITIZE=ON build (it passes in a plain one). */
static void lockstats_of_a_trace_without_lock_events_is_empty(void **state)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, 0x7f0000001000, 100, 1);
    EVENT(file, 1, 10, THREAD, CREATE, THREAD_2_SELF, SITE_1);
    const struct snag_lockstats *stats = compute(state, file);
    assert_int_equal(snag_lockstats_lock_count(stats), 0);
    assert_null(snag_lockstats_lock(stats, 0));
    assert_int_equal(thread_stats(state, 1)->acquisitions, 0);
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, make_fixture, free_fixture)
    const struct CMUnitTest tests[] = {
        TEST(lockstats_counts_uncontended_acquisitions_and_hold_times),
        TEST(lockstats_counts_a_contended_acquisition_and_its_wait),
        TEST(lockstats_holds_a_recursive_mutex_from_outermost_acquire_to_outermost_release),
        TEST(lockstats_counts_rwlock_shared_and_exclusive_acquisitions),
        TEST(lockstats_counts_lock_loops_written_as_short_records),
        TEST(lockstats_counts_lock_loop_acquisitions_under_their_call_site),
        TEST(lockstats_counts_try_busy_and_failed_timed_waits),
        TEST(lockstats_accounts_a_condvar_wait_and_the_mutex_taken_back),
        TEST(lockstats_counts_a_cancelled_condvar_wait_as_a_failure),
        TEST(lockstats_counts_semaphore_posts_and_waits),
        TEST(lockstats_counts_barrier_waits),
        TEST(lockstats_starts_a_new_instance_after_destroy_and_init),
        TEST(lockstats_keeps_the_newest_instance_current_as_the_table_grows),
        TEST(lockstats_keeps_many_objects_apart),
        TEST(lockstats_accounts_blocked_time_per_kind),
        TEST(lockstats_charges_a_wait_never_satisfied_until_the_thread_ends),
        TEST(lockstats_sorts_locks_by_wait_then_contention_then_acquisitions),
        TEST(lockstats_counts_acquisitions_per_call_site),
        TEST(lockstats_keeps_objects_of_other_processes_and_classes_apart),
        TEST(lockstats_names_block_kinds),
        TEST(lockstats_of_a_trace_without_lock_events_is_empty),
    };
#undef TEST
    return cmocka_run_group_tests(tests, NULL, NULL);
}
