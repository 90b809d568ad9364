/* Unit tests of the deadlock and hang findings (deadlock_findings.c,
 * hang_findings.c) and of how the reader takes what they rest on: FINDING
 * records and the wait-state table. Synthetic traces from the builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snag/findings.h"
#include "trace_builder.h"

#define MAIN_SELF UINT64_C(0x7f1000000740)
#define WORKER_SELF UINT64_C(0x7f1000800640)
#define CHECKING UINT64_C(0x555555558040)
#define SAVINGS UINT64_C(0x555555558080)
#define READY UINT64_C(0x5555555580c0)
#define TAKE_SITE UINT64_C(0x555555555123)
#define WAIT_SITE UINT64_C(0x555555555456)
#define SIGNAL_SITE UINT64_C(0x555555555789)
#define JOIN_SITE UINT64_C(0x5555555557aa)

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

static struct snag_trace *open_trace(const char *directory)
{
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    if (!trace) fail_msg("open: %s", error);
    return trace;
}

struct deadlock_record {
    struct snag_finding_record head;
    struct snag_finding_participant parts[2];
};

/* Threads 100 and 200 each take one account lock, then wait for the other's;
 * thread 200's wait closes the cycle and records it. `count` is what the
 * record claims. */
static void write_abba(const char *directory, uint32_t count)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_add_thread(file, 2, 0, WORKER_SELF, 200, 0);
    tb_event(file, 1, 100, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, CHECKING, TAKE_SITE);
    tb_event(file, 2, 110, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, SAVINGS, TAKE_SITE);
    tb_event(file, 1, 200, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, SAVINGS, WAIT_SITE);
    tb_event(file, 2, 210, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, CHECKING, WAIT_SITE);
    struct deadlock_record record = {.head = {.participant_count = count}};
    record.parts[0] = (struct snag_finding_participant){.tid = 200, .holder_index = 1, .object = CHECKING,
                                                        .site = WAIT_SITE, .since_ticks = 210,
                                                        .object_class = SNAG_CLASS_MUTEX, .op = SNAG_OP_WAIT};
    record.parts[1] = (struct snag_finding_participant){.tid = 100, .holder_index = 0, .object = SAVINGS,
                                                        .site = WAIT_SITE, .since_ticks = 200,
                                                        .object_class = SNAG_CLASS_MUTEX, .op = SNAG_OP_WAIT};
    tb_variable(file, 2, 211, SNAG_REC_FINDING, SNAG_FINDING_DEADLOCK, &record, sizeof record);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
}

static void a_recorded_deadlock_names_what_each_thread_holds_and_wants(void **state)
{
    write_abba(*state, 2);
    struct snag_trace *trace = open_trace(*state);
    assert_int_equal(snag_trace_deadlock_count(trace), 1);
    const struct snag_recorded_deadlock *recorded = snag_trace_deadlock(trace, 0);
    assert_int_equal(recorded->member_count, 2);
    assert_int_equal(recorded->time_ns, 211);
    assert_int_equal(snag_trace_thread(trace, recorded->members[0].thread)->tid, 200);
    assert_int_equal(recorded->members[0].since_ns, 210);

    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->kind, "deadlock");
    assert_string_equal(finding->subkind, "lock_cycle");
    assert_int_equal(finding->severity, SNAG_SEVERITY_HIGH);
    assert_int_equal(finding->thread_count, 2);
    assert_int_equal(finding->lock_count, 2);
    for (size_t index = 0; index < 2; index++) {
        const struct snag_finding_thread *thread = &finding->threads[index];
        int tid = snag_trace_thread(trace, thread->thread)->tid;
        uint64_t wants = finding->locks[thread->wants].address, holds = finding->locks[thread->holds].address;
        assert_int_equal(wants, tid == 200 ? CHECKING : SAVINGS);
        assert_int_equal(holds, tid == 200 ? SAVINGS : CHECKING);
        assert_int_equal(thread->held_at, TAKE_SITE);
        assert_int_equal(thread->waits_at, WAIT_SITE);
    }
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void a_deadlock_record_longer_than_its_bytes_is_a_warning(void **state)
{
    write_abba(*state, 1000);
    struct snag_trace *trace = open_trace(*state);
    assert_int_equal(snag_trace_deadlock_count(trace), 0);
    assert_true(snag_trace_warning_count(trace) >= 1);
    assert_non_null(strstr(snag_trace_warning(trace, 0), "deadlock record"));
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 0);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

struct hang_scenario {
    uint32_t exit_kind;    /* how the process ended */
    uint8_t consumer_flags; /* SNAG_WAIT_TIMED or 0 */
    uint64_t end_ticks;    /* when */
    uint64_t signal_ticks; /* when READY was signalled (0: never) */
};

/* Main (100) joins the consumer (200), which waits on READY from 300 on. */
static struct snag_trace *build_hang(const char *directory, const struct hang_scenario *scenario)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->exit_kind = scenario->exit_kind;
    tb_header(file)->end_ticks = scenario->end_ticks;
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_add_thread(file, 2, 0, WORKER_SELF, 200, 0);
    if (scenario->signal_ticks) tb_event(file, 1, scenario->signal_ticks, SNAG_CLASS_COND, SNAG_OP_SIGNAL, READY, SIGNAL_SITE);
    tb_event(file, 1, 250, SNAG_CLASS_THREAD, SNAG_OP_WAIT, WORKER_SELF, JOIN_SITE);
    tb_event(file, 2, 300, SNAG_CLASS_COND, SNAG_OP_WAIT, READY, WAIT_SITE);
    *tb_wait_slot(file, 0) = (struct snag_wait_slot){.tid = 100, .wait_seq = 1, .pthread_self = MAIN_SELF,
                                                      .object = WORKER_SELF, .site = JOIN_SITE, .since_ticks = 250,
                                                      .object_class = SNAG_CLASS_THREAD, .op = SNAG_OP_WAIT};
    *tb_wait_slot(file, 3) = (struct snag_wait_slot){.tid = 200, .wait_seq = 5, .pthread_self = WORKER_SELF,
                                                      .object = READY, .site = WAIT_SITE, .since_ticks = 300,
                                                      .object_class = SNAG_CLASS_COND, .op = SNAG_OP_WAIT,
                                                      .flags = scenario->consumer_flags};
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    return open_trace(directory);
}

#define SECONDS(s) ((uint64_t)(s) * 1000000000u)

static void the_wait_table_says_what_each_thread_waited_on_at_the_end(void **state)
{
    struct hang_scenario scenario = {SNAG_EXIT_UNKNOWN, 0, SECONDS(5), 0};
    struct snag_trace *trace = build_hang(*state, &scenario);
    assert_int_equal(snag_trace_thread_count(trace), 2);
    for (size_t index = 0; index < 2; index++) {
        const struct snag_thread_info *thread = snag_trace_thread(trace, index);
        assert_true(thread->at_end.blocked);
        assert_false(thread->at_end.timed);
        assert_int_equal(thread->at_end.object, thread->tid == 100 ? WORKER_SELF : READY);
        assert_int_equal(thread->at_end.since_ns, thread->tid == 100 ? 250 : 300);
    }
    snag_trace_close(trace);
}

static void every_thread_blocked_until_the_process_was_killed_is_a_hang(void **state)
{
    struct hang_scenario scenario = {SNAG_EXIT_UNKNOWN, 0, SECONDS(5), 0};
    struct snag_trace *trace = build_hang(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->kind, "hang");
    assert_string_equal(finding->subkind, "all_threads_blocked");
    assert_int_equal(finding->time_ns, 300); /* the last thread to block */
    assert_int_equal(finding->thread_count, 2);
    for (size_t index = 0; index < finding->thread_count; index++)
        assert_int_equal(finding->threads[index].signalled_by, SNAG_NO_INDEX);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void a_signal_before_the_wait_is_a_lost_wakeup(void **state)
{
    struct hang_scenario scenario = {SNAG_EXIT_SIGNAL, 0, SECONDS(5), 120};
    struct snag_trace *trace = build_hang(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->subkind, "lost_wakeup");
    const struct snag_finding_thread *consumer = NULL;
    for (size_t index = 0; index < finding->thread_count; index++)
        if (snag_trace_thread(trace, finding->threads[index].thread)->tid == 200) consumer = &finding->threads[index];
    assert_non_null(consumer);
    assert_int_equal(snag_trace_thread(trace, consumer->signalled_by)->tid, 100);
    assert_int_equal(consumer->signalled_at, SIGNAL_SITE);
    assert_int_equal(consumer->signalled_ns, 120);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void no_hang_when_a_thread_waits_with_a_timeout_or_the_process_exited_or_it_was_short(void **state)
{
    const struct hang_scenario scenarios[] = {
        {SNAG_EXIT_UNKNOWN, SNAG_WAIT_TIMED, SECONDS(5), 0}, /* the consumer would have woken by itself */
        {SNAG_EXIT_STATUS, 0, SECONDS(5), 0},                /* it exited: parked threads did not hang it */
        {SNAG_EXIT_UNKNOWN, 0, SECONDS(1), 0},               /* killed after 1 s: under the 3 s default */
    };
    for (size_t index = 0; index < sizeof scenarios / sizeof scenarios[0]; index++) {
        char *directory = tb_temp_dir();
        struct snag_trace *trace = build_hang(directory, &scenarios[index]);
        struct snag_findings *findings = snag_findings_compute(trace);
        if (snag_findings_count(findings) != 0) fail_msg("scenario %zu: a hang was found", index);
        snag_findings_free(findings);
        snag_trace_close(trace);
        tb_remove_tree(directory);
        free(directory);
    }
    (void)state;
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        TEST(a_recorded_deadlock_names_what_each_thread_holds_and_wants),
        TEST(a_deadlock_record_longer_than_its_bytes_is_a_warning),
        TEST(the_wait_table_says_what_each_thread_waited_on_at_the_end),
        TEST(every_thread_blocked_until_the_process_was_killed_is_a_hang),
        TEST(a_signal_before_the_wait_is_a_lost_wakeup),
        TEST(no_hang_when_a_thread_waits_with_a_timeout_or_the_process_exited_or_it_was_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
