/* Unit tests of the lock-order analysis (libtrace/reader/lockorder.c), on
 * synthetic traces written with the trace builder: one process, threads
 * 1..3 (tids 100..102), locks at fixed addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snag/findings.h"
#include "trace_builder.h"

#define LOCK_A UINT64_C(0x555555558040)
#define LOCK_B UINT64_C(0x555555558080)
#define LOCK_C UINT64_C(0x5555555580c0)
#define GATE UINT64_C(0x555555558100)
#define SITE(n) (UINT64_C(0x555555555000) + (n))

/* One step of a scenario: thread (1..3) does op on a lock of a class. */
struct step {
    uint32_t thread;
    unsigned object_class, op;
    uint64_t lock;
    uint16_t aux; /* ATTRIBUTE value; 1 on an acquisition: made by a try call */
};

#define ACQ(thread, lock) {thread, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, lock, 0}
#define REL(thread, lock) {thread, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, lock, 0}
#define TRY(thread, lock) {thread, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, lock, 1}

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
        bool acquisition = step->op == SNAG_OP_ACQUIRE || step->op == SNAG_OP_ACQUIRE_SHARED;
        if (step->op == SNAG_OP_ATTRIBUTE) {
            tb_event_aux(file, step->thread, ticks, step->object_class, step->op, step->lock, step->aux);
            continue;
        }
        if (acquisition && step->aux) tb_short(file, step->thread, ticks, SNAG_REC_BY_TRY);
        tb_event(file, step->thread, ticks, step->object_class, step->op, step->lock, SITE(index));
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

static size_t inversions(const struct snag_findings *findings)
{
    size_t count = 0;
    for (size_t index = 0; index < snag_findings_count(findings); index++)
        count += strcmp(snag_finding(findings, index)->kind, "lock_order_inversion") == 0;
    return count;
}

#define CHECK_INVERSIONS(expected, ...)                                                                      \
    do {                                                                                                     \
        const struct step steps[] = {__VA_ARGS__};                                                           \
        struct snag_trace *trace;                                                                            \
        struct snag_findings *findings = findings_of(*state, steps, sizeof steps / sizeof steps[0], &trace); \
        assert_int_equal(inversions(findings), expected);                                                    \
        snag_findings_free(findings);                                                                        \
        snag_trace_close(trace);                                                                             \
    } while (0)

static void opposite_orders_in_two_threads_are_one_inversion_with_both_steps(void **state)
{
    const struct step steps[] = {
        ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A), /* steps 0..3 */
        ACQ(2, LOCK_B), ACQ(2, LOCK_A), REL(2, LOCK_A), REL(2, LOCK_B), /* steps 4..7 */
        ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A), /* again: still one finding */
    };
    struct snag_trace *trace;
    struct snag_findings *findings = findings_of(*state, steps, sizeof steps / sizeof steps[0], &trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->kind, "lock_order_inversion");
    assert_string_equal(finding->subkind, "opposite_order");
    assert_int_equal(finding->severity, SNAG_SEVERITY_LOW);
    assert_int_equal(finding->lock_count, 2);
    assert_int_equal(finding->thread_count, 2);
    const struct snag_finding_thread *first = &finding->threads[0], *second = &finding->threads[1];
    assert_string_equal(first->role, "first");
    assert_string_equal(second->role, "second");
    assert_int_equal(snag_trace_thread(trace, first->thread)->tid, 100);
    assert_int_equal(snag_trace_thread(trace, second->thread)->tid, 101);
    assert_int_equal(finding->locks[first->holds].address, LOCK_A);
    assert_int_equal(finding->locks[first->wants].address, LOCK_B);
    assert_int_equal(first->held_at, SITE(0));
    assert_int_equal(first->waits_at, SITE(1));
    assert_int_equal(finding->locks[second->holds].address, LOCK_B);
    assert_int_equal(finding->locks[second->wants].address, LOCK_A);
    assert_int_equal(second->held_at, SITE(4));
    assert_int_equal(second->waits_at, SITE(5));
    assert_int_equal(snag_trace_process(trace, finding->process)->pid, 100);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void one_order_everywhere_is_no_finding(void **state)
{
    CHECK_INVERSIONS(0, ACQ(1, LOCK_A), ACQ(1, LOCK_B), ACQ(1, LOCK_C), REL(1, LOCK_C), REL(1, LOCK_B),
                     REL(1, LOCK_A), ACQ(2, LOCK_A), ACQ(2, LOCK_C), REL(2, LOCK_C), REL(2, LOCK_A), ACQ(2, LOCK_B),
                     REL(2, LOCK_B));
}

static void a_cycle_of_one_thread_is_not_reported(void **state)
{
    CHECK_INVERSIONS(0, ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A), ACQ(1, LOCK_B),
                     ACQ(1, LOCK_A), REL(1, LOCK_A), REL(1, LOCK_B));
}

static void a_cycle_of_one_thread_is_reported_once_another_thread_takes_one_of_its_steps(void **state)
{
    CHECK_INVERSIONS(1, ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A), ACQ(1, LOCK_B),
                     ACQ(1, LOCK_A), REL(1, LOCK_A), REL(1, LOCK_B), ACQ(2, LOCK_A), ACQ(2, LOCK_B), REL(2, LOCK_B),
                     REL(2, LOCK_A));
}

static void a_gate_lock_held_at_every_step_hides_the_cycle(void **state)
{
    CHECK_INVERSIONS(0, ACQ(1, GATE), ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A),
                     REL(1, GATE), ACQ(2, GATE), ACQ(2, LOCK_B), ACQ(2, LOCK_A), REL(2, LOCK_A), REL(2, LOCK_B),
                     REL(2, GATE));
}

static void a_gate_missing_from_one_occurrence_of_a_step_gates_nothing(void **state)
{
    CHECK_INVERSIONS(1, ACQ(1, GATE), ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A),
                     REL(1, GATE), ACQ(2, GATE), ACQ(2, LOCK_B), ACQ(2, LOCK_A), REL(2, LOCK_A), REL(2, LOCK_B),
                     REL(2, GATE), ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A));
}

static void a_try_acquisition_makes_no_order(void **state)
{
    CHECK_INVERSIONS(0, ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A), ACQ(2, LOCK_B),
                     TRY(2, LOCK_A), REL(2, LOCK_A), REL(2, LOCK_B));
    /* but the lock it took is held: what comes under it is ordered */
    CHECK_INVERSIONS(1, ACQ(1, LOCK_C), ACQ(1, LOCK_A), REL(1, LOCK_A), REL(1, LOCK_C), TRY(2, LOCK_A),
                     ACQ(2, LOCK_C), REL(2, LOCK_C), REL(2, LOCK_A));
}

#define RD(thread, lock) {thread, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, lock, 0}
#define WR(thread, lock) {thread, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE, lock, 0}
#define UNRW(thread, lock) {thread, SNAG_CLASS_RWLOCK, SNAG_OP_RELEASE, lock, 0}

static void read_locks_nested_both_ways_are_no_finding(void **state)
{
    CHECK_INVERSIONS(0, RD(1, LOCK_A), RD(1, LOCK_B), UNRW(1, LOCK_B), UNRW(1, LOCK_A), RD(2, LOCK_B),
                     RD(2, LOCK_A), UNRW(2, LOCK_A), UNRW(2, LOCK_B));
    /* one step wants a write lock, but the other waits only for a read, which a read hold lets in */
    CHECK_INVERSIONS(0, RD(1, LOCK_A), WR(1, LOCK_B), UNRW(1, LOCK_B), UNRW(1, LOCK_A), RD(2, LOCK_B),
                     RD(2, LOCK_A), UNRW(2, LOCK_A), UNRW(2, LOCK_B));
}

static void write_holds_waited_on_by_readers_are_an_inversion(void **state)
{
    CHECK_INVERSIONS(1, WR(1, LOCK_A), RD(1, LOCK_B), UNRW(1, LOCK_B), UNRW(1, LOCK_A), WR(2, LOCK_B),
                     RD(2, LOCK_A), UNRW(2, LOCK_A), UNRW(2, LOCK_B));
}

#define INIT(thread, lock) {thread, SNAG_CLASS_MUTEX, SNAG_OP_INIT, lock, 0}
#define DESTROY(thread, lock) {thread, SNAG_CLASS_MUTEX, SNAG_OP_DESTROY, lock, 0}

static void a_lock_made_again_at_the_same_address_is_another_lock(void **state)
{
    CHECK_INVERSIONS(0, INIT(1, LOCK_A), ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A),
                     DESTROY(1, LOCK_A), INIT(2, LOCK_A), ACQ(2, LOCK_B), ACQ(2, LOCK_A), REL(2, LOCK_A),
                     REL(2, LOCK_B));
}

static void three_threads_closing_a_cycle_of_three_locks_are_one_cycle(void **state)
{
    const struct step steps[] = {
        ACQ(1, LOCK_A), ACQ(1, LOCK_B), REL(1, LOCK_B), REL(1, LOCK_A), ACQ(2, LOCK_B), ACQ(2, LOCK_C),
        REL(2, LOCK_C), REL(2, LOCK_B), ACQ(3, LOCK_C), ACQ(3, LOCK_A), REL(3, LOCK_A), REL(3, LOCK_C),
    };
    struct snag_trace *trace;
    struct snag_findings *findings = findings_of(*state, steps, sizeof steps / sizeof steps[0], &trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->subkind, "cycle");
    assert_int_equal(finding->lock_count, 3);
    assert_int_equal(finding->thread_count, 3);
    for (size_t index = 0; index < 3; index++) /* each step wants what the next one holds */
        assert_int_equal(finding->threads[index].wants, finding->threads[(index + 1) % 3].holds);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

#define SEM_INIT(thread, lock, value) {thread, SNAG_CLASS_SEM, SNAG_OP_ATTRIBUTE, lock, value}
#define SEM_WAIT(thread, lock) {thread, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, lock, 0}
#define SEM_TRY(thread, lock) {thread, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, lock, 1}
#define SEM_POST(thread, lock) {thread, SNAG_CLASS_SEM, SNAG_OP_RELEASE, lock, 0}

static void semaphores_made_with_one_token_are_locks_owned_by_who_took_them(void **state)
{
    /* CPython's threading.Lock: sem_trywait counts as taking it */
    CHECK_INVERSIONS(1, SEM_INIT(1, LOCK_A, 1), SEM_INIT(1, LOCK_B, 1), SEM_TRY(2, LOCK_A), SEM_TRY(2, LOCK_B),
                     SEM_POST(2, LOCK_B), SEM_POST(2, LOCK_A), SEM_WAIT(3, LOCK_B), SEM_WAIT(3, LOCK_A),
                     SEM_POST(3, LOCK_A), SEM_POST(3, LOCK_B));
    /* posted by another thread: released all the same, so what thread 2 takes later is not under it */
    CHECK_INVERSIONS(0, SEM_INIT(1, LOCK_A, 1), SEM_INIT(1, LOCK_B, 1), SEM_WAIT(2, LOCK_A), SEM_POST(1, LOCK_A),
                     SEM_WAIT(2, LOCK_B), SEM_POST(2, LOCK_B), SEM_WAIT(3, LOCK_B), SEM_WAIT(3, LOCK_A),
                     SEM_POST(3, LOCK_A), SEM_POST(3, LOCK_B));
}

static void counting_semaphores_are_no_locks(void **state)
{
    CHECK_INVERSIONS(0, SEM_INIT(1, LOCK_A, 0), SEM_INIT(1, LOCK_B, 4), SEM_WAIT(2, LOCK_A), SEM_WAIT(2, LOCK_B),
                     SEM_POST(2, LOCK_B), SEM_POST(2, LOCK_A), SEM_WAIT(3, LOCK_B), SEM_WAIT(3, LOCK_A),
                     SEM_POST(3, LOCK_A), SEM_POST(3, LOCK_B));
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
        TEST(opposite_orders_in_two_threads_are_one_inversion_with_both_steps),
        TEST(one_order_everywhere_is_no_finding),
        TEST(a_cycle_of_one_thread_is_not_reported),
        TEST(a_cycle_of_one_thread_is_reported_once_another_thread_takes_one_of_its_steps),
        TEST(a_gate_lock_held_at_every_step_hides_the_cycle),
        TEST(a_gate_missing_from_one_occurrence_of_a_step_gates_nothing),
        TEST(a_try_acquisition_makes_no_order),
        TEST(read_locks_nested_both_ways_are_no_finding),
        TEST(write_holds_waited_on_by_readers_are_an_inversion),
        TEST(a_lock_made_again_at_the_same_address_is_another_lock),
        TEST(three_threads_closing_a_cycle_of_three_locks_are_one_cycle),
        TEST(semaphores_made_with_one_token_are_locks_owned_by_who_took_them),
        TEST(counting_semaphores_are_no_locks),
    };
#undef TEST
    return cmocka_run_group_tests(tests, NULL, NULL);
}
