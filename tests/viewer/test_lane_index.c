/* Unit tests for the viewer's lane index (viewer/lane_index.c).
 *
 * Each test writes a synthetic trace (tests/unit/trace_builder.h) with one
 * tick per nanosecond, indexes it and checks the thread states the
 * timeline draws from, cell by cell at one nanosecond per column: what a
 * lock, condvar, semaphore, barrier or join wait looks like, how long a
 * recursive or read lock is held, the state at an instant, event searches,
 * the zoomed-out summary, and marks.
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

#include "lane_index.h"
#include "objects.h"
#include "snag/format.h"
#include "snag/reader.h"
#include "trace_builder.h"

#define LOCK_A UINT64_C(0x555555558040)
#define LOCK_B UINT64_C(0x555555558080)
#define COND_A UINT64_C(0x5555555580c0)
#define SEM_A UINT64_C(0x555555558100)
#define BARRIER_A UINT64_C(0x555555558140)
#define MAIN_SELF UINT64_C(0x7f1000000640)
#define THREAD_2_SELF UINT64_C(0x7f1000800640)
#define SITE UINT64_C(0x555555555123)

struct fixture {
    char *directory;
    struct snag_trace *trace;
    struct object_table *objects;
    struct lane_index *index;
    char states[4096];
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
    lane_index_free(fixture->index);
    object_table_free(fixture->objects);
    snag_trace_close(fixture->trace);
    tb_remove_tree(fixture->directory);
    free(fixture->directory);
    free(fixture);
    return 0;
}

/* A process 100 whose main thread (lane 0) starts at 0 and which ends at `end`. */
static struct tb_file *new_trace(uint64_t end)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_header(file)->end_ticks = end;
    tb_header(file)->exit_kind = SNAG_EXIT_STATUS;
    return file;
}

/* A release of the lock just acquired: a short record, or a full one when
 * the short would start a new chunk (it may refer only to its own chunk). */
static void release_previous(struct tb_file *file, uint64_t ticks, unsigned object_class, uint64_t lock)
{
    if (tb_next_offset(file, 1, 8)) tb_short(file, 1, ticks, SNAG_REC_RELEASE_PREVIOUS);
    else tb_event(file, 1, ticks, object_class, SNAG_OP_RELEASE, lock, 0);
}

static struct lane_index *index_trace(void **state, struct tb_file *file)
{
    struct fixture *fixture = *state;
    assert_int_equal(tb_write_into(file, fixture->directory), 0);
    tb_free(file);
    char error[1024] = "";
    fixture->trace = snag_trace_open(fixture->directory, error, sizeof error);
    if (!fixture->trace) fail_msg("cannot open the trace: %s", error);
    assert_int_equal(snag_trace_warning_count(fixture->trace), 0);
    fixture->objects = object_table_new();
    assert_non_null(fixture->objects);
    fixture->index = lane_index_build(fixture->trace, fixture->objects, error, sizeof error);
    if (!fixture->index) fail_msg("cannot index the trace: %s", error);
    return fixture->index;
}

/* The lane's glyphs over [start, start + columns) at one nanosecond a column. */
static const char *glyphs(void **state, uint32_t lane, uint64_t start, size_t columns)
{
    struct fixture *fixture = *state;
    uint8_t states[4096];
    assert_true(columns < sizeof fixture->states);
    lane_index_columns(fixture->index, lane, start, 1, columns, states, NULL);
    for (size_t column = 0; column < columns; column++)
        fixture->states[column] = lane_state_glyph((enum lane_state)states[column]);
    fixture->states[columns] = '\0';
    return fixture->states;
}

/* "c" repeated count times, for expected glyph strings. */
static char *run_of(char *out, char glyph, size_t count)
{
    size_t used = strlen(out);
    memset(out + used, glyph, count);
    out[used + count] = '\0';
    return out;
}

static enum lane_state state_at(void **state, uint32_t lane, uint64_t at_ns)
{
    struct fixture *fixture = *state;
    struct lane_snapshot snapshot;
    assert_int_equal(lane_index_snapshot(fixture->index, lane, at_ns, &snapshot), 0);
    enum lane_state result = snapshot.state;
    lane_snapshot_clear(&snapshot);
    return result;
}

static void lock_wait_hold_and_release_draw_as_they_happen(void **state)
{
    struct tb_file *file = new_trace(1000);
    tb_event(file, 1, 100, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 200, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    tb_event(file, 1, 300, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_A, SITE);
    tb_event(file, 1, 400, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    release_previous(file, 500, SNAG_CLASS_MUTEX, LOCK_A);
    index_trace(state, file);
    char expected[2048] = "";
    run_of(expected, '-', 100);
    run_of(expected, '=', 100);
    run_of(expected, '-', 100);
    run_of(expected, '#', 100);
    run_of(expected, '=', 100);
    run_of(expected, '-', 500);
    run_of(expected, ' ', 100); /* after the process's end */
    assert_string_equal(glyphs(state, 0, 0, 1100), expected);
    assert_int_equal(state_at(state, 0, 99), LANE_RUNNING);
    assert_int_equal(state_at(state, 0, 100), LANE_HOLDING);
    assert_int_equal(state_at(state, 0, 350), LANE_WAIT_LOCK);
    assert_int_equal(state_at(state, 0, 1000), LANE_DEAD);
}

static void a_condition_wait_gives_the_mutex_back_until_it_wakes(void **state)
{
    struct tb_file *file = new_trace(1000);
    tb_event(file, 1, 100, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 200, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    tb_event(file, 1, 200, SNAG_CLASS_COND, SNAG_OP_WAIT, COND_A, SITE);
    tb_event_aux(file, 1, 600, SNAG_CLASS_COND, SNAG_OP_WAKE, COND_A, 0);
    tb_event(file, 1, 600, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 700, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    struct lane_index *index = index_trace(state, file);
    char expected[2048] = "";
    run_of(expected, '=', 100);
    run_of(expected, '~', 400);
    run_of(expected, '=', 100);
    run_of(expected, '-', 100);
    assert_string_equal(glyphs(state, 0, 100, 700), expected);
    struct lane_snapshot snapshot;
    assert_int_equal(lane_index_snapshot(index, 0, 300, &snapshot), 0);
    assert_int_equal(snapshot.state, LANE_WAIT_COND);
    assert_int_equal(snapshot.held_count, 0);
    assert_int_equal(snapshot.wait_since_ns, 200);
    const struct view_object *waited = object_table_at(((struct fixture *)*state)->objects, snapshot.wait_object);
    assert_non_null(waited);
    assert_int_equal(waited->address, COND_A);
    lane_snapshot_clear(&snapshot);
}

static void semaphore_barrier_and_join_waits_each_have_their_state(void **state)
{
    struct tb_file *file = new_trace(1000);
    tb_event(file, 1, 100, SNAG_CLASS_SEM, SNAG_OP_WAIT, SEM_A, SITE);
    tb_event(file, 1, 200, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, SEM_A, SITE); /* a token: not a held lock */
    tb_event(file, 1, 300, SNAG_CLASS_BARRIER, SNAG_OP_WAIT, BARRIER_A, SITE);
    tb_event_aux(file, 1, 400, SNAG_CLASS_BARRIER, SNAG_OP_WAKE, BARRIER_A, 1);
    tb_event(file, 1, 500, SNAG_CLASS_THREAD, SNAG_OP_WAIT, THREAD_2_SELF, SITE);
    tb_event(file, 1, 600, SNAG_CLASS_THREAD, SNAG_OP_ACQUIRE, THREAD_2_SELF, SITE);
    tb_event(file, 1, 700, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_A, SITE);
    tb_event_aux(file, 1, 800, SNAG_CLASS_MUTEX, SNAG_OP_FAILED, LOCK_A, ETIMEDOUT);
    index_trace(state, file);
    char expected[2048] = "";
    run_of(expected, ':', 100);
    run_of(expected, '-', 100);
    run_of(expected, '^', 100);
    run_of(expected, '-', 100);
    run_of(expected, '.', 100);
    run_of(expected, '-', 100);
    run_of(expected, '#', 100);
    run_of(expected, '-', 100); /* a timed-out wait ends, holding nothing */
    assert_string_equal(glyphs(state, 0, 100, 800), expected);
}

static void recursive_and_read_locks_are_held_until_the_last_release(void **state)
{
    struct tb_file *file = new_trace(1000);
    tb_event(file, 1, 100, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 150, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 200, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    tb_event(file, 1, 300, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    tb_event(file, 1, 400, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, LOCK_B, SITE);
    tb_event(file, 1, 450, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, LOCK_B, SITE);
    tb_event(file, 1, 500, SNAG_CLASS_RWLOCK, SNAG_OP_RELEASE, LOCK_B, SITE);
    tb_event(file, 1, 600, SNAG_CLASS_RWLOCK, SNAG_OP_RELEASE, LOCK_B, SITE);
    struct lane_index *index = index_trace(state, file);
    char expected[2048] = "";
    run_of(expected, '=', 200);
    run_of(expected, '-', 100);
    run_of(expected, '=', 200);
    run_of(expected, '-', 100);
    assert_string_equal(glyphs(state, 0, 100, 600), expected);
    struct lane_snapshot snapshot;
    assert_int_equal(lane_index_snapshot(index, 0, 160, &snapshot), 0);
    assert_int_equal(snapshot.held_count, 1);
    assert_int_equal(snapshot.held[0].depth, 2);
    lane_snapshot_clear(&snapshot);
}

/* More locks held than a checkpoint names: counted all the same. */
static void holds_beyond_a_checkpoint_are_counted(void **state)
{
    struct tb_file *file = new_trace(100000);
    for (uint64_t lock = 0; lock < 100; lock++)
        tb_event(file, 1, 10 + lock * 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A + lock * 64, SITE);
    for (uint64_t pair = 0; pair < 100; pair++) { /* two more checkpoints' worth */
        tb_event(file, 1, 2000 + pair * 20, SNAG_CLASS_SPIN, SNAG_OP_ACQUIRE, LOCK_B + 0x100000, SITE);
        release_previous(file, 2010 + pair * 20, SNAG_CLASS_SPIN, LOCK_B + 0x100000);
    }
    for (uint64_t lock = 0; lock < 100; lock++)
        tb_event(file, 1, 10000 + lock * 10, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A + lock * 64, SITE);
    struct lane_index *index = index_trace(state, file);
    struct lane_snapshot snapshot;
    assert_int_equal(lane_index_snapshot(index, 0, 9000, &snapshot), 0);
    assert_int_equal(snapshot.state, LANE_HOLDING);
    assert_int_equal(snapshot.held_count + snapshot.held_unlisted, 100);
    lane_snapshot_clear(&snapshot);
    assert_int_equal(state_at(state, 0, 10985), LANE_HOLDING); /* one left */
    assert_int_equal(state_at(state, 0, 10990), LANE_RUNNING);
}

static void searches_find_events_by_operation(void **state)
{
    struct tb_file *file = new_trace(1000);
    tb_event(file, 1, 100, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 200, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    tb_event(file, 1, 300, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_A, SITE);
    tb_event(file, 1, 400, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    tb_event(file, 1, 500, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    struct lane_index *index = index_trace(state, file);
    struct lane_event event;
    assert_true(lane_index_next_event(index, 0, 0, LANE_OPS_ALL, &event));
    assert_int_equal(event.time_ns, 100);
    assert_int_equal(event.ordinal, 0);
    assert_true(lane_index_next_event(index, 0, 100, LANE_OPS_ALL, &event));
    assert_int_equal(event.time_ns, 200);
    assert_true(lane_index_next_event(index, 0, 0, LANE_OPS_WAITS, &event));
    assert_int_equal(event.time_ns, 300);
    assert_int_equal(event.op, SNAG_OP_WAIT);
    assert_false(lane_index_next_event(index, 0, 300, LANE_OPS_WAITS, &event));
    assert_false(lane_index_next_event(index, 0, 500, LANE_OPS_ALL, &event));
    assert_true(lane_index_previous_event(index, 0, 500, LANE_OPS_ALL, &event));
    assert_int_equal(event.time_ns, 400);
    assert_true(lane_index_previous_event(index, 0, 1000, LANE_OPS_WAITS, &event));
    assert_int_equal(event.time_ns, 300);
    assert_false(lane_index_previous_event(index, 0, 100, LANE_OPS_ALL, &event));
    assert_int_equal(lane_index_event_count(index, 0), 5);
}

/* 200000 events: zoomed out, the timeline is drawn from the summary. The
 * first half of the time the thread mostly runs, holding a lock a quarter
 * of it; the second half it mostly waits for the lock. Each cell shows the
 * most telling state of its slice, however brief. */
static void zoomed_out_cells_show_the_most_telling_state(void **state)
{
    struct tb_file *file = new_trace(20000000);
    uint64_t time = 1000;
    while (time < 10000000) {
        tb_event(file, 1, time, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
        release_previous(file, time + 25, SNAG_CLASS_MUTEX, LOCK_A);
        time += 100;
    }
    while (time < 19999000) {
        tb_event(file, 1, time, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_A, SITE);
        tb_event(file, 1, time + 80, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
        release_previous(file, time + 85, SNAG_CLASS_MUTEX, LOCK_A);
        time += 100;
    }
    struct lane_index *index = index_trace(state, file);
    assert_true(lane_index_bucket_ns(index) > 1);
    uint8_t states[200];
    lane_index_columns(index, 0, 0, 100000, 200, states, NULL);
    for (size_t column = 1; column < 99; column++) assert_int_equal(states[column], LANE_HOLDING);
    for (size_t column = 101; column < 199; column++) assert_int_equal(states[column], LANE_WAIT_LOCK);
    /* the same at other zooms, and exactly where few events are in view */
    lane_index_columns(index, 0, 0, 1000000, 20, states, NULL);
    assert_int_equal(states[5], LANE_HOLDING);
    assert_int_equal(states[15], LANE_WAIT_LOCK);
    lane_index_columns(index, 0, 5000000, 10, 10, states, NULL);
    assert_memory_equal(states, ((uint8_t[]){LANE_HOLDING, LANE_HOLDING, LANE_HOLDING, LANE_RUNNING, LANE_RUNNING,
                                             LANE_RUNNING, LANE_RUNNING, LANE_RUNNING, LANE_RUNNING, LANE_RUNNING}),
                        10);
}

/* One wait of 0.5 us among 100000 events that change nothing (cond signals):
 * a 10 ms cell around it shows the wait, from the summary and from the
 * events alike, and the cells beside it show running. */
static void a_brief_wait_shows_in_a_zoomed_out_cell(void **state)
{
    struct tb_file *file = new_trace(100000000);
    for (uint64_t time = 1000; time < 99999000; time += 1000) {
        tb_event(file, 1, time, SNAG_CLASS_COND, SNAG_OP_SIGNAL, COND_A, SITE);
        if (time != 50500000) continue; /* mid-cell, clear of the finest buckets at its edges */
        tb_event(file, 1, time + 200, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_A, SITE);
        tb_event(file, 1, time + 700, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE); /* after 0.5 us */
        tb_event(file, 1, time + 800, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    }
    struct lane_index *index = index_trace(state, file);
    uint8_t states[10];
    lane_index_columns(index, 0, 0, 10000000, 10, states, NULL); /* from the summary */
    for (size_t column = 0; column < 10; column++)
        assert_int_equal(states[column], column == 5 ? LANE_WAIT_LOCK : LANE_RUNNING);
    lane_index_columns(index, 0, 45000000, 1000000, 10, states, NULL); /* 1 ms cells: from the events */
    for (size_t column = 0; column < 10; column++)
        assert_int_equal(states[column], column == 5 ? LANE_WAIT_LOCK : LANE_RUNNING);
}

static void marks_show_where_the_marked_object_is_used(void **state)
{
    struct tb_file *file = new_trace(2000000);
    for (uint64_t time = 1000; time < 1999000; time += 100) {
        uint64_t lock = time >= 524288 && time < 655360 ? LOCK_B : LOCK_A; /* 2^19 .. 2^19 + 2^17 */
        tb_event(file, 1, time, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, lock, SITE);
        release_previous(file, time + 25, SNAG_CLASS_MUTEX, lock);
    }
    struct fixture *fixture = *state;
    struct lane_index *index = index_trace(state, file);
    uint32_t lock_b = object_table_find(fixture->objects, 0, SNAG_CLASS_MUTEX, LOCK_B);
    assert_int_not_equal(lock_b, OBJECT_NONE);
    assert_int_equal(lane_index_set_mark(index, lock_b), 0);
    uint8_t states[20], marked[20];
    /* from the summary: columns on power-of-two boundaries, as its buckets */
    lane_index_columns(index, 0, 0, 131072, 15, states, marked);
    for (size_t column = 0; column < 15; column++) assert_int_equal(marked[column], column == 4);
    lane_index_columns(index, 0, 650000, 1000, 20, states, marked); /* from the events */
    for (size_t column = 0; column < 20; column++) assert_int_equal(marked[column], column <= 5);
    assert_int_equal(lane_index_set_mark(index, OBJECT_NONE), 0);
    lane_index_columns(index, 0, 0, 131072, 15, states, marked);
    for (size_t column = 0; column < 20; column++) assert_int_equal(marked[column], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lock_wait_hold_and_release_draw_as_they_happen, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(a_condition_wait_gives_the_mutex_back_until_it_wakes, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(semaphore_barrier_and_join_waits_each_have_their_state, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(recursive_and_read_locks_are_held_until_the_last_release, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(holds_beyond_a_checkpoint_are_counted, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(searches_find_events_by_operation, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(zoomed_out_cells_show_the_most_telling_state, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(a_brief_wait_shows_in_a_zoomed_out_cell, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(marks_show_where_the_marked_object_is_used, make_fixture, free_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
