/* Unit tests of the findings analysis (libtrace/reader/findings.c), on
 * synthetic traces written with the trace builder. */
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
#define LOGGER_SELF UINT64_C(0x7f1000800640)
#define LOG_LOCK UINT64_C(0x555555558040)   /* held by the logger at fork */
#define OWN_LOCK UINT64_C(0x555555558080)   /* held by the forking thread itself */
#define LOGGER_SITE UINT64_C(0x555555555123)
#define CHILD_SITE UINT64_C(0x555555555456)
#define FORKER_SITE UINT64_C(0x555555555789)

struct scenario {
    uint64_t logger_release_ns; /* when the logger lets go of LOG_LOCK */
    int forks;                  /* forks while it holds it (at 200, 210, ...) */
    int child_blocks;           /* the (first) child waits for LOG_LOCK for good */
};

static void process_event(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t kind, int32_t pid)
{
    struct {
        struct snag_process_event_record record;
        char path[8];
    } payload = {{.kind = kind, .pid = pid}, ""};
    tb_variable(file, thread, ticks, SNAG_REC_PROCESS_EVENT, 0, &payload, sizeof payload);
}

/* Parent 100: the logger (thread 2) holds LOG_LOCK from 100; the main
 * thread (1) holds OWN_LOCK and forks children 101, 102, ... */
static struct snag_trace *build(const char *directory, const struct scenario *scenario)
{
    struct tb_file *parent = tb_begin(100, 1);
    tb_add_thread(parent, 1, 0, MAIN_SELF, 100, 1);
    tb_add_thread(parent, 2, 0, LOGGER_SELF, 200, 0);
    tb_event(parent, 2, 100, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOG_LOCK, LOGGER_SITE);
    tb_event(parent, 2, scenario->logger_release_ns, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOG_LOCK, LOGGER_SITE);
    tb_event(parent, 1, 150, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, OWN_LOCK, FORKER_SITE);
    for (int fork_index = 0; fork_index < scenario->forks; fork_index++)
        process_event(parent, 1, 200 + 10 * (uint64_t)fork_index, SNAG_PROCESS_FORK, 101 + fork_index);
    tb_event(parent, 1, 800, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, OWN_LOCK, FORKER_SITE);
    assert_int_equal(tb_write_into(parent, directory), 0);
    tb_free(parent);
    for (int fork_index = 0; fork_index < scenario->forks; fork_index++) {
        struct tb_file *child = tb_begin(101 + fork_index, 100);
        struct snag_file_header *header = tb_header(child);
        header->flags = SNAG_FILE_FOLLOWS_FORK;
        header->fork_parent_pid = 100;
        header->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 205 + 10 * (uint64_t)fork_index;
        tb_add_thread(child, 1, 0, MAIN_SELF, 101 + fork_index, 1);
        /* the forking thread's own lock is the child's to release: not a hazard */
        tb_event(child, 1, 5, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, OWN_LOCK, FORKER_SITE);
        if (fork_index == 0 && scenario->child_blocks)
            tb_event(child, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOG_LOCK, CHILD_SITE);
        assert_int_equal(tb_write_into(child, directory), 0);
        tb_free(child);
    }
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    if (!trace) fail_msg("open: %s", error);
    return trace;
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

static const struct snag_thread_info *thread_of(const struct snag_trace *trace, uint32_t index)
{
    const struct snag_thread_info *thread = snag_trace_thread(trace, index);
    assert_non_null(thread);
    return thread;
}

static void fork_while_another_thread_holds_a_lock_that_the_child_then_waits_for_is_high(void **state)
{
    struct scenario scenario = {.logger_release_ns = 900, .forks = 1, .child_blocks = 1};
    struct snag_trace *trace = build(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_non_null(findings);
    assert_int_equal(snag_findings_count(findings), 1); /* OWN_LOCK is not one */
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_string_equal(finding->kind, "fork_hazard");
    assert_string_equal(finding->subkind, "lock_held_at_fork");
    assert_int_equal(finding->severity, SNAG_SEVERITY_HIGH);
    assert_int_equal(finding->lock_count, 1);
    assert_int_equal(finding->locks[0].address, LOG_LOCK);
    assert_int_equal(finding->locks[0].object_class, SNAG_CLASS_MUTEX);
    assert_int_equal(snag_trace_process(trace, finding->locks[0].process)->pid, 100);
    assert_int_equal(finding->thread_count, 3);
    const struct snag_finding_thread *forker = &finding->threads[0], *holder = &finding->threads[1],
                                     *waiter = &finding->threads[2];
    assert_string_equal(forker->role, "forker");
    assert_int_equal(thread_of(trace, forker->thread)->tid, 100);
    assert_int_equal(forker->holds, SNAG_NO_INDEX);
    assert_string_equal(holder->role, "holder");
    assert_int_equal(thread_of(trace, holder->thread)->tid, 200);
    assert_int_equal(holder->holds, 0);
    assert_int_equal(holder->held_at, LOGGER_SITE);
    assert_int_equal(holder->since_ns, 100);
    assert_string_equal(waiter->role, "waiter");
    assert_int_equal(thread_of(trace, waiter->thread)->tid, 101);
    assert_int_equal(waiter->wants, 0);
    assert_int_equal(waiter->waits_at, CHILD_SITE);
    assert_int_equal(snag_trace_process(trace, finding->process)->pid, 100);
    assert_int_equal(snag_trace_process(trace, finding->child_process)->pid, 101);
    assert_int_equal(finding->occurrences, 1);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void fork_while_held_is_low_when_the_child_never_needs_the_lock(void **state)
{
    struct scenario scenario = {.logger_release_ns = 900, .forks = 1, .child_blocks = 0};
    struct snag_trace *trace = build(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_int_equal(finding->severity, SNAG_SEVERITY_LOW);
    assert_int_equal(finding->thread_count, 2); /* forker and holder: no waiter */
    assert_int_equal(snag_trace_process(trace, finding->child_process)->pid, 101);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void a_lock_released_before_the_fork_is_no_finding(void **state)
{
    struct scenario scenario = {.logger_release_ns = 190, .forks = 1, .child_blocks = 0};
    struct snag_trace *trace = build(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 0);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void every_fork_that_meets_the_held_lock_counts_in_one_finding(void **state)
{
    struct scenario scenario = {.logger_release_ns = 900, .forks = 3, .child_blocks = 1};
    struct snag_trace *trace = build(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 1);
    const struct snag_finding *finding = snag_finding(findings, 0);
    assert_int_equal(finding->occurrences, 3);
    assert_int_equal(finding->severity, SNAG_SEVERITY_HIGH);
    snag_findings_free(findings);
    snag_trace_close(trace);
}

static void a_trace_without_forks_has_no_findings(void **state)
{
    struct scenario scenario = {.logger_release_ns = 900, .forks = 0, .child_blocks = 0};
    struct snag_trace *trace = build(*state, &scenario);
    struct snag_findings *findings = snag_findings_compute(trace);
    assert_int_equal(snag_findings_count(findings), 0);
    assert_null(snag_finding(findings, 0));
    assert_string_equal(snag_severity_name(SNAG_SEVERITY_HIGH), "high");
    assert_string_equal(snag_severity_name(SNAG_SEVERITY_LOW), "low");
    snag_findings_free(findings);
    snag_trace_close(trace);
}

/* The stacks report and viewer show under a finding: each thread's held
 * stack then its wait stack, threads in order, none where none was captured. */
static void a_findings_stacks_are_its_threads_captured_ones_in_order(void **state)
{
    struct scenario scenario = {.logger_release_ns = 900, .forks = 1, .child_blocks = 1};
    struct snag_trace *trace = build(*state, &scenario);
    struct snag_finding_thread threads[3] = {
        {.thread = 0, .role = "first", .holds = 0, .held_stack = 5, .wants = 1, .waits_stack = 6},
        {.thread = 1, .role = "nothing captured", .holds = 1, .wants = 0},
        {.thread = 2, .role = "waits only", .holds = SNAG_NO_INDEX, .wants = 0, .waits_stack = 7},
    };
    struct snag_finding finding = {.threads = threads, .thread_count = 3};
    struct snag_finding_stack stacks[8];
    assert_int_equal(snag_finding_stacks(trace, &finding, stacks, 8), 3);
    assert_ptr_equal(stacks[0].thread, &threads[0]);
    assert_string_equal(stacks[0].what, "holds");
    assert_int_equal(stacks[0].stack, 5);
    assert_int_equal(stacks[0].lock, 0);
    assert_int_equal(stacks[0].process, thread_of(trace, 0)->process);
    assert_string_equal(stacks[1].what, "wants");
    assert_int_equal(stacks[1].stack, 6);
    assert_int_equal(stacks[1].lock, 1);
    assert_ptr_equal(stacks[2].thread, &threads[2]);
    assert_string_equal(stacks[2].what, "wants");
    assert_int_equal(stacks[2].stack, 7);
    assert_int_equal(stacks[2].process, thread_of(trace, 2)->process);
    /* no more than there is room for */
    assert_int_equal(snag_finding_stacks(trace, &finding, stacks, 2), 2);
    assert_int_equal(stacks[1].stack, 6);
    snag_trace_close(trace);
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        TEST(fork_while_another_thread_holds_a_lock_that_the_child_then_waits_for_is_high),
        TEST(fork_while_held_is_low_when_the_child_never_needs_the_lock),
        TEST(a_lock_released_before_the_fork_is_no_finding),
        TEST(every_fork_that_meets_the_held_lock_counts_in_one_finding),
        TEST(a_trace_without_forks_has_no_findings),
        TEST(a_findings_stacks_are_its_threads_captured_ones_in_order),
    };
#undef TEST
    return cmocka_run_group_tests(tests, NULL, NULL);
}
