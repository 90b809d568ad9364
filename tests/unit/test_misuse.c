/* Unit tests of the misuse analysis (libtrace/reader/misuse.c), on
 * synthetic traces written with the trace builder: one process, threads
 * 1..3 (tids 100..102). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snag/findings.h"
#include "trace_builder.h"

#define MUTEX_A UINT64_C(0x555555558040)
#define MUTEX_B UINT64_C(0x555555558080)
#define COND UINT64_C(0x5555555580c0)
#define SEM UINT64_C(0x555555558100)
#define RWLOCK UINT64_C(0x555555558140)
#define SITE(n) (UINT64_C(0x555555555000) + (n))

struct step {
    uint32_t thread;
    unsigned object_class, op;
    uint64_t object;
    int aux; /* -1: the record carries a site; else its aux (FAILED errno, EXIT how, ATTRIBUTE) */
};

#define M(thread, op, object) {thread, SNAG_CLASS_MUTEX, SNAG_OP_##op, object, -1}
#define C(thread, op) {thread, SNAG_CLASS_COND, SNAG_OP_##op, COND, -1}
#define S(thread, op) {thread, SNAG_CLASS_SEM, SNAG_OP_##op, SEM, -1}
#define RW(thread, op) {thread, SNAG_CLASS_RWLOCK, SNAG_OP_##op, RWLOCK, -1}
#define AUX(thread, object_class, op, object, aux) {thread, object_class, SNAG_OP_##op, object, aux}
#define EXIT(thread, how) {thread, SNAG_CLASS_THREAD, SNAG_OP_EXIT, UINT64_C(0x7f1000000740) + (thread) * 0x800000, how}
/* pthread_cond_wait as the shim records it: the mutex released, then the wait, from one call site */
#define COND_WAIT(thread, mutex) {thread, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, mutex, 1000 + (thread)}, \
                                 {thread, SNAG_CLASS_COND, SNAG_OP_WAIT, COND, 1000 + (thread)}
#define COND_WOKEN(thread, mutex) AUX(thread, SNAG_CLASS_COND, WAKE, COND, 0), M(thread, ACQUIRE, mutex)

static struct snag_findings *findings_of(const char *directory, const struct step *steps, size_t count,
                                         struct snag_trace **trace_out)
{
    struct tb_file *file = tb_begin(100, 1);
    for (uint32_t thread = 1; thread <= 3; thread++)
        tb_add_thread(file, thread, 0, UINT64_C(0x7f1000000740) + thread * 0x800000, 99 + (int32_t)thread,
                      thread == 1);
    for (size_t index = 0; index < count; index++) {
        const struct step *step = &steps[index];
        uint64_t ticks = 100 + 10 * index;
        if (step->aux < 0)
            tb_event(file, step->thread, ticks, step->object_class, step->op, step->object, SITE(index));
        else if (step->aux >= 1000) /* a condvar wait's pair: both at the thread's own call site */
            tb_event(file, step->thread, ticks, step->object_class, step->op, step->object, SITE(step->aux));
        else
            tb_event_aux(file, step->thread, ticks, step->object_class, step->op, step->object, (uint16_t)step->aux);
    }
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    if (!trace) fail_msg("open: %s", error);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_non_null(findings);
    *trace_out = trace;
    return findings;
}

/* The subkinds of the misuse findings, joined by commas, in a static buffer. */
static const char *misuse_of(void **state, const struct step *steps, size_t count)
{
    static char subkinds[512];
    struct snag_trace *trace;
    struct snag_findings *findings = findings_of(*state, steps, count, &trace);
    subkinds[0] = '\0';
    for (size_t index = 0; index < snag_findings_count(findings); index++) {
        const struct snag_finding *finding = snag_finding(findings, index);
        if (strcmp(finding->kind, "misuse") != 0) continue;
        if (subkinds[0]) strcat(subkinds, ",");
        strcat(subkinds, finding->subkind);
        if (finding->severity == SNAG_SEVERITY_HIGH) strcat(subkinds, "(high)");
    }
    snag_findings_free(findings);
    snag_trace_close(trace);
    return subkinds;
}

#define CHECK_MISUSE(expected, ...)                                                     \
    do {                                                                                \
        const struct step steps[] = {__VA_ARGS__};                                      \
        assert_string_equal(misuse_of(state, steps, sizeof steps / sizeof steps[0]), expected); \
    } while (0)

static void a_mutex_unlocked_by_another_thread_names_both(void **state)
{
    const struct step steps[] = {M(1, ACQUIRE, MUTEX_A), M(2, RELEASE, MUTEX_A)};
    struct snag_trace *trace;
    struct snag_findings *findings = findings_of(*state, steps, 2, &trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->kind, "misuse");
    assert_string_equal(finding->subkind, "unlock_not_held");
    assert_int_equal(finding->locks[0].address, MUTEX_A);
    assert_int_equal(finding->thread_count, 2);
    assert_string_equal(finding->threads[0].role, "unlocker");
    assert_int_equal(snag_trace_thread(trace, finding->threads[0].thread)->tid, 101);
    assert_int_equal(finding->threads[0].acted_at, SITE(1));
    assert_string_equal(finding->threads[1].role, "holder");
    assert_int_equal(snag_trace_thread(trace, finding->threads[1].thread)->tid, 100);
    assert_int_equal(finding->threads[1].held_at, SITE(0));
    assert_int_equal(finding->threads[1].holds, 0);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void correct_locking_is_no_misuse(void **state)
{
    /* recursive: taken twice, released twice; a mutex never seen taken is not judged */
    CHECK_MISUSE("", AUX(1, SNAG_CLASS_MUTEX, ATTRIBUTE, MUTEX_A, 1), M(1, ACQUIRE, MUTEX_A), M(1, ACQUIRE, MUTEX_A),
                 M(1, RELEASE, MUTEX_A), M(1, RELEASE, MUTEX_A), M(2, RELEASE, MUTEX_B), M(2, ACQUIRE, MUTEX_A),
                 M(2, RELEASE, MUTEX_A));
}

static void an_unlock_glibc_refused_leaves_the_holder_holding(void **state)
{
    /* errorcheck mutex: thread 2's unlock fails with EPERM; thread 1 unlocks it later, rightly */
    CHECK_MISUSE("unlock_not_held", M(1, ACQUIRE, MUTEX_A), M(2, RELEASE, MUTEX_A),
                 AUX(2, SNAG_CLASS_MUTEX, FAILED, MUTEX_A, EPERM), M(1, RELEASE, MUTEX_A));
    /* a normal mutex: the unlock went through, so the owner's own unlock is a second misuse */
    CHECK_MISUSE("unlock_not_held,unlock_not_held", M(1, ACQUIRE, MUTEX_A), M(2, RELEASE, MUTEX_A),
                 M(1, RELEASE, MUTEX_A));
}

static void repeated_misuse_at_one_site_is_one_finding_counted(void **state)
{
    const struct step steps[] = {
        M(1, ACQUIRE, MUTEX_A), {2, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, 1005},
        M(1, ACQUIRE, MUTEX_A), {2, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, 1005},
    };
    struct snag_trace *trace;
    struct snag_findings *findings = findings_of(*state, steps, 4, &trace);
    assert_int_equal(snag_findings_count(findings), 1);
    assert_int_equal(snag_finding(findings, 0)->occurrences, 2);
    assert_int_equal(snag_finding(findings, 0)->threads[0].acted_at, SITE(1005));
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void a_rwlock_unlocked_by_a_thread_that_does_not_hold_it(void **state)
{
    /* glibc drops the lone reader's hold: the reader's own unlock then has nothing to unlock */
    CHECK_MISUSE("rwlock_unlock_not_held,rwlock_unlock_not_held", RW(1, ACQUIRE_SHARED), RW(2, RELEASE),
                 RW(1, RELEASE));
    CHECK_MISUSE("", RW(1, ACQUIRE_SHARED), RW(2, ACQUIRE_SHARED), RW(2, RELEASE), RW(1, RELEASE));
}

static void destroying_a_held_mutex(void **state)
{
    CHECK_MISUSE("destroy_locked", M(1, INIT, MUTEX_A), M(2, ACQUIRE, MUTEX_A), M(1, DESTROY, MUTEX_A),
                 AUX(1, SNAG_CLASS_MUTEX, FAILED, MUTEX_A, EBUSY), M(2, RELEASE, MUTEX_A));
    CHECK_MISUSE("", M(1, INIT, MUTEX_A), M(2, ACQUIRE, MUTEX_A), M(2, RELEASE, MUTEX_A), M(1, DESTROY, MUTEX_A));
}

static void condvar_waits_with_their_mutex_are_no_misuse(void **state)
{
    CHECK_MISUSE("", M(2, ACQUIRE, MUTEX_A), COND_WAIT(2, MUTEX_A), M(1, ACQUIRE, MUTEX_A), C(1, SIGNAL),
                 M(1, RELEASE, MUTEX_A), COND_WOKEN(2, MUTEX_A), M(2, RELEASE, MUTEX_A), C(1, DESTROY));
    /* destroyed right after a broadcast, before the waiter's wake-up was recorded: allowed */
    CHECK_MISUSE("", M(2, ACQUIRE, MUTEX_A), COND_WAIT(2, MUTEX_A), C(1, BROADCAST), C(1, DESTROY),
                 COND_WOKEN(2, MUTEX_A), M(2, RELEASE, MUTEX_A));
}

static void a_condvar_destroyed_under_a_waiter(void **state)
{
    CHECK_MISUSE("destroy_cond_with_waiters", M(2, ACQUIRE, MUTEX_A), COND_WAIT(2, MUTEX_A), C(1, DESTROY));
}

static void a_condvar_waited_on_with_two_mutexes_at_once(void **state)
{
    CHECK_MISUSE("cond_two_mutexes", M(2, ACQUIRE, MUTEX_A), COND_WAIT(2, MUTEX_A), M(3, ACQUIRE, MUTEX_B),
                 COND_WAIT(3, MUTEX_B), C(1, BROADCAST), COND_WOKEN(2, MUTEX_A), COND_WOKEN(3, MUTEX_B));
    /* one after the other: the binding ends when the last waiter returns */
    CHECK_MISUSE("", M(2, ACQUIRE, MUTEX_A), COND_WAIT(2, MUTEX_A), C(1, SIGNAL), COND_WOKEN(2, MUTEX_A),
                 M(2, RELEASE, MUTEX_A), M(3, ACQUIRE, MUTEX_B), COND_WAIT(3, MUTEX_B), C(1, SIGNAL),
                 COND_WOKEN(3, MUTEX_B), M(3, RELEASE, MUTEX_B));
}

static void a_thread_that_ends_holding_a_lock(void **state)
{
    CHECK_MISUSE("exit_holding_lock", M(2, ACQUIRE, MUTEX_A), EXIT(2, SNAG_THREAD_EXIT_RETURN));
    CHECK_MISUSE("cancelled_holding_lock", M(2, ACQUIRE, MUTEX_A), EXIT(2, SNAG_THREAD_EXIT_CANCELLED));
    /* high when another thread then waits for it to the end */
    CHECK_MISUSE("exit_holding_lock(high)", M(2, ACQUIRE, MUTEX_A), EXIT(2, SNAG_THREAD_EXIT_RETURN),
                 M(1, WAIT, MUTEX_A));
    /* pthread_exit is recorded before the cleanup handlers that unlock: not held at the end */
    CHECK_MISUSE("", M(2, ACQUIRE, MUTEX_A), EXIT(2, SNAG_THREAD_EXIT_PTHREAD_EXIT), M(2, RELEASE, MUTEX_A));
    /* the whole process exiting is no thread's misuse */
    CHECK_MISUSE("", M(1, ACQUIRE, MUTEX_A), EXIT(1, SNAG_THREAD_EXIT_PROCESS));
}

static void semaphores_posted_by_another_thread_and_destroyed_under_a_waiter(void **state)
{
    CHECK_MISUSE("", AUX(1, SNAG_CLASS_SEM, ATTRIBUTE, SEM, 0), S(2, WAIT), S(1, RELEASE), S(2, ACQUIRE),
                 S(1, DESTROY));
    CHECK_MISUSE("destroy_sem_with_waiters", AUX(1, SNAG_CLASS_SEM, ATTRIBUTE, SEM, 0), S(2, WAIT), S(1, DESTROY));
}

static int make_dir(void **state)
{
    *state = tb_temp_dir();
    return *state ? 0 : -1;
}

static int remove_dir(void **state)
{
    tb_remove_tree(*state);
    free(*state);
    return 0;
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        TEST(a_mutex_unlocked_by_another_thread_names_both),
        TEST(correct_locking_is_no_misuse),
        TEST(an_unlock_glibc_refused_leaves_the_holder_holding),
        TEST(repeated_misuse_at_one_site_is_one_finding_counted),
        TEST(a_rwlock_unlocked_by_a_thread_that_does_not_hold_it),
        TEST(destroying_a_held_mutex),
        TEST(condvar_waits_with_their_mutex_are_no_misuse),
        TEST(a_condvar_destroyed_under_a_waiter),
        TEST(a_condvar_waited_on_with_two_mutexes_at_once),
        TEST(a_thread_that_ends_holding_a_lock),
        TEST(semaphores_posted_by_another_thread_and_destroyed_under_a_waiter),
    };
#undef TEST
    return cmocka_run_group_tests(tests, NULL, NULL);
}
