/* Unit tests for lock labels (libtrace/reader/names.c) on synthetic traces
 * without modules: no symbol names a lock, so labels come from where a lock
 * was initialised or first used, code addresses shown as 0x... . */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "snag/format.h"
#include "snag/lockstats.h"
#include "snag/names.h"
#include "snag/reader.h"
#include "trace_builder.h"

#define MAIN_SELF UINT64_C(0x7f1000000740)
#define HEAP_LOCK UINT64_C(0x5555555a0040) /* initialised by the parent before its forks */
#define LATE_LOCK UINT64_C(0x5555555a0080) /* initialised by the parent after them */
#define INIT_SITE UINT64_C(0x555555555123)
#define CHILD_SITE UINT64_C(0x555555555456)
#define LATE_INIT_SITE UINT64_C(0x555555555789)

static int make_dir(void **state)
{
    *state = tb_temp_dir();
    return 0;
}

static int remove_dir(void **state)
{
    tb_remove_tree(*state);
    free(*state);
    return 0;
}

/* A process whose main thread takes and releases `lock` at `ticks`. */
static struct tb_file *process_using(int32_t pid, int32_t parent, int forked, uint64_t start_ns, uint64_t lock,
                                     uint64_t ticks)
{
    struct tb_file *file = tb_begin(pid, parent);
    struct snag_file_header *header = tb_header(file);
    if (forked) {
        header->flags = SNAG_FILE_FOLLOWS_FORK;
        header->fork_parent_pid = parent;
    }
    header->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + start_ns;
    tb_add_thread(file, 1, 0, MAIN_SELF, pid, 1);
    tb_event(file, 1, ticks, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, lock, CHILD_SITE);
    tb_event(file, 1, ticks + 5, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, lock, CHILD_SITE);
    return file;
}

static void write_into(const char *directory, struct tb_file *file)
{
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
}

static const char *label_of(struct snag_names *names, const struct snag_trace *trace,
                            const struct snag_lockstats *stats, int32_t pid, uint64_t address, char *out,
                            size_t size)
{
    for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++) {
        const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
        if (lock->address == address && snag_trace_process(trace, lock->process)->pid == pid)
            return snag_names_lock_label(names, lock, out, size);
    }
    fail_msg("no lock 0x%llx in pid %d", (unsigned long long)address, (int)pid);
    return NULL;
}

static void a_forked_child_labels_an_inherited_lock_as_its_parent_does(void **state)
{
    const char *directory = *state;
    /* parent 100: initialises HEAP_LOCK at 100, forks 101 at ~500, initialises LATE_LOCK at 800 */
    struct tb_file *parent = tb_begin(100, 1);
    tb_add_thread(parent, 1, 0, MAIN_SELF, 100, 1);
    tb_event(parent, 1, 100, SNAG_CLASS_MUTEX, SNAG_OP_INIT, HEAP_LOCK, INIT_SITE);
    tb_event(parent, 1, 200, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, HEAP_LOCK, CHILD_SITE);
    tb_event(parent, 1, 210, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, HEAP_LOCK, CHILD_SITE);
    tb_process_event(parent, 1, 490, SNAG_PROCESS_FORK, 101, 0, "");
    tb_event(parent, 1, 800, SNAG_CLASS_MUTEX, SNAG_OP_INIT, LATE_LOCK, LATE_INIT_SITE);
    write_into(directory, parent);
    /* child 101 (from 500) uses both; its own child 102 (from 1000) uses HEAP_LOCK */
    struct tb_file *child = process_using(101, 100, 1, 500, HEAP_LOCK, 10);
    tb_event(child, 1, 400, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LATE_LOCK, CHILD_SITE);
    tb_event(child, 1, 405, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LATE_LOCK, CHILD_SITE);
    write_into(directory, child);
    write_into(directory, process_using(102, 101, 1, 1000, HEAP_LOCK, 10));
    /* 103 was not forked (an exec'd program, say): the address means nothing there */
    write_into(directory, process_using(103, 100, 0, 1100, HEAP_LOCK, 10));

    char error[512] = "";
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    if (!trace) fail_msg("%s", error);
    struct snag_lockstats *stats = snag_lockstats_compute(trace);
    struct snag_names *names = snag_names_new(trace);
    assert_non_null(stats);
    assert_non_null(names);
    char label[512];
    assert_string_equal(label_of(names, trace, stats, 100, HEAP_LOCK, label, sizeof label),
                        "mutex initialised at 0x555555555123");
    assert_string_equal(label_of(names, trace, stats, 101, HEAP_LOCK, label, sizeof label),
                        "mutex initialised at 0x555555555123");
    assert_string_equal(label_of(names, trace, stats, 102, HEAP_LOCK, label, sizeof label),
                        "mutex initialised at 0x555555555123"); /* through the chain of forks */
    /* initialised by the parent only after the fork: not the child's lock */
    assert_string_equal(label_of(names, trace, stats, 101, LATE_LOCK, label, sizeof label),
                        "mutex first used at 0x555555555456");
    assert_string_equal(label_of(names, trace, stats, 103, HEAP_LOCK, label, sizeof label),
                        "mutex first used at 0x555555555456");
    snag_names_free(names);
    snag_lockstats_free(stats);
    snag_trace_close(trace);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_forked_child_labels_an_inherited_lock_as_its_parent_does, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
