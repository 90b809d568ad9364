/* Unit tests for the viewer's lane index (viewer/lane_index.c).
 *
 * Each test writes a synthetic trace (tests/unit/trace_builder.h) with one
 * tick per nanosecond, indexes it and checks the thread states the
 * timeline draws from, cell by cell at one nanosecond per column: what a
 * lock, condvar, semaphore, barrier or join wait looks like, how long a
 * recursive or read lock is held, the state at an instant, event searches,
 * the zoomed-out summary, and marks; and OpenCL: a thread's calls on its
 * lane, a queue's lane of device commands, stepping through both.
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
#include "snag/opencl.h"
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
    char states[8192];
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
    uint8_t states[8192];
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

/* ---- OpenCL ---- */

#define CL_QUEUE UINT64_C(0x5555a0000100)
#define CL_DEVICE UINT64_C(0x5555a0000200)
#define CL_KERNEL UINT64_C(0x5555a0000300)
#define CL_DEVICE_OFFSET UINT64_C(5000000) /* the device clock runs 5 ms ahead */

static void cl_call(struct tb_file *file, uint64_t start, uint64_t end, struct snag_opencl_call_record record)
{
    record.end_ticks = end;
    tb_variable(file, 1, start, SNAG_REC_OPENCL_CALL, 0, &record, sizeof record);
}

/* A device command run from start to end (trace times), recorded by the runtime's thread (2). */
static void cl_command(struct tb_file *file, uint64_t id, uint32_t type, uint64_t start, uint64_t end)
{
    uint64_t device = TB_ANCHOR_MONOTONIC_NS + CL_DEVICE_OFFSET;
    struct snag_opencl_command_record record = {
        .command = id, .queue = CL_QUEUE, .queued_ns = device + start - 10, .submit_ns = device + start - 5,
        .start_ns = device + start, .end_ns = device + end, .command_type = type};
    tb_variable(file, 2, end + 5, SNAG_REC_OPENCL_COMMAND, 0, &record, sizeof record);
}

/* Process 100 until 7000: its main thread (lane 0) takes LOCK_A at 500,
 * launches a kernel in [1000, 2000), lets the lock go at 2000, then reads
 * a buffer blocking in [3200, 6000), waiting inside it for the runtime's
 * lock at 3300; the runtime's thread is lane 1; the queue (lane 2, made
 * at 10) runs two kernels that overlap, [2500, 4500) and [4000, 5000),
 * then the read, [5500, 5900). The device clock is read with the host's
 * in one tick: its times map exactly. */
static struct lane_index *index_opencl_trace(void **state)
{
    struct tb_file *file = new_trace(7000);
    tb_add_thread(file, 2, 0, THREAD_2_SELF, 101, 0);
    tb_opencl_object(file, 1, 10, SNAG_OPENCL_QUEUE, CL_QUEUE, CL_DEVICE, "test device");
    struct snag_opencl_clock_record clock = {.device = CL_DEVICE, .device_ns = TB_ANCHOR_MONOTONIC_NS + 11 + CL_DEVICE_OFFSET,
                                             .host_ticks_before = 11, .host_ticks_after = 11,
                                             .method = SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER};
    tb_variable(file, 1, 11, SNAG_REC_OPENCL_CLOCK, 0, &clock, sizeof clock);
    tb_opencl_object(file, 1, 20, SNAG_OPENCL_KERNEL, CL_KERNEL, 0, "saxpy");
    tb_event(file, 1, 500, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_A, SITE);
    cl_call(file, 1000, 2000, (struct snag_opencl_call_record){.function = SNAG_CL_ENQUEUE_NDRANGE_KERNEL,
                                                               .queue = CL_QUEUE, .object = CL_KERNEL, .command = 1});
    tb_event(file, 1, 2000, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_A, SITE);
    cl_call(file, 2100, 2200, (struct snag_opencl_call_record){.function = SNAG_CL_ENQUEUE_NDRANGE_KERNEL,
                                                               .queue = CL_QUEUE, .object = CL_KERNEL, .command = 2});
    cl_call(file, 3200, 6000, (struct snag_opencl_call_record){.function = SNAG_CL_ENQUEUE_READ_BUFFER,
                                                               .queue = CL_QUEUE, .bytes = 4096, .command = 3,
                                                               .flags = SNAG_OPENCL_BLOCKING | SNAG_OPENCL_WAITS});
    tb_event(file, 1, 3300, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_B, SITE);
    tb_event(file, 1, 3400, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_B, SITE);
    tb_event(file, 1, 3500, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_B, SITE);
    cl_command(file, 1, 0x11F0 /* CL_COMMAND_NDRANGE_KERNEL */, 2500, 4500);
    cl_command(file, 2, 0x11F0, 4000, 5000);
    cl_command(file, 3, 0x11F3 /* CL_COMMAND_READ_BUFFER */, 5500, 5900);
    struct lane_index *index = index_trace(state, file);
    struct fixture *fixture = *state;
    assert_int_equal(snag_opencl_command_count(snag_trace_opencl(fixture->trace)), 3);
    return index;
}

static void a_queue_gets_a_lane_of_its_device_commands(void **state)
{
    struct lane_index *index = index_opencl_trace(state);
    assert_int_equal(lane_index_lane_count(index), 3);
    assert_int_equal(lane_index_queue(index, 0), LANE_NONE);
    assert_int_equal(lane_index_queue(index, 2), 0);
    assert_int_equal(lane_index_span_count(index, 2), 3);
    char expected[8192] = "";
    run_of(expected, ' ', 10); /* before the queue was made */
    run_of(expected, '_', 2490);
    run_of(expected, 'K', 2500); /* the two kernels, overlapping */
    run_of(expected, '_', 500);
    run_of(expected, 'T', 400);
    run_of(expected, '_', 1100);
    run_of(expected, ' ', 100); /* after the process's end */
    assert_string_equal(glyphs(state, 2, 0, 7100), expected);

    struct lane_snapshot snapshot;
    assert_int_equal(lane_index_snapshot(index, 2, 4200, &snapshot), 0);
    assert_int_equal(snapshot.state, LANE_DEVICE_KERNEL);
    assert_int_equal(snapshot.running, 2);
    assert_int_equal(snapshot.span_since_ns, 2500); /* the earlier of the two */
    const struct snag_opencl_command *command =
        snag_opencl_command(snag_trace_opencl(((struct fixture *)*state)->trace), snapshot.command);
    assert_non_null(command);
    assert_int_equal(command->start_ns, 2500);
    lane_snapshot_clear(&snapshot);
    assert_int_equal(state_at(state, 2, 5000), LANE_QUEUE_IDLE);
    assert_int_equal(state_at(state, 2, 5500), LANE_DEVICE_TRANSFER);
    assert_int_equal(state_at(state, 2, 5), LANE_DEAD);

    /* stepping: starts and ends in time order, each once */
    const uint64_t times[] = {2500, 4000, 4500, 5000, 5500, 5900};
    const uint8_t ops[] = {LANE_OP_COMMAND, LANE_OP_COMMAND, LANE_OP_COMMAND_END, LANE_OP_COMMAND_END,
                           LANE_OP_COMMAND, LANE_OP_COMMAND_END};
    struct lane_event event = {.time_ns = 0, .ordinal = 0};
    for (size_t step = 0; step < 6; step++) {
        assert_true(lane_index_event_from(index, 2, event.time_ns, event.ordinal + (step > 0), LANE_OPS_ALL, &event));
        assert_int_equal(event.time_ns, times[step]);
        assert_int_equal(event.op, ops[step]);
        assert_true(event.ordinal >= LANE_SPAN_ORDINAL);
    }
    assert_false(lane_index_event_from(index, 2, event.time_ns, event.ordinal + 1, LANE_OPS_ALL, &event));
    for (size_t step = 5; step-- > 0;) { /* back from the last */
        assert_true(lane_index_event_before(index, 2, event.time_ns, event.ordinal, LANE_OPS_ALL, &event));
        assert_int_equal(event.time_ns, times[step]);
        assert_int_equal(event.op, ops[step]);
    }
    assert_false(lane_index_event_before(index, 2, event.time_ns, event.ordinal, LANE_OPS_ALL, &event));
    /* the position of a span event gives its command back */
    assert_true(lane_index_event_from(index, 2, 4000, 0, 1u << LANE_OP_COMMAND, &event));
    assert_int_equal(lane_index_span_item(index, 2, (event.ordinal - LANE_SPAN_ORDINAL) / 2), event.item);
    assert_int_equal(lane_index_span_item(index, 2, 3), LANE_NONE);
}

static void a_threads_opencl_calls_show_over_what_it_holds_and_waits_for(void **state)
{
    struct lane_index *index = index_opencl_trace(state);
    char expected[8192] = "";
    run_of(expected, '-', 500);
    run_of(expected, '=', 500);
    run_of(expected, '@', 1000); /* in the launch, holding LOCK_A */
    run_of(expected, '-', 100);
    run_of(expected, '@', 100);
    run_of(expected, '-', 1000);
    run_of(expected, '@', 2800); /* the blocking read, and the runtime's lock wait inside it */
    run_of(expected, '-', 1000);
    assert_string_equal(glyphs(state, 0, 0, 7000), expected);

    struct lane_snapshot snapshot;
    assert_int_equal(lane_index_snapshot(index, 0, 1500, &snapshot), 0);
    assert_int_equal(snapshot.state, LANE_OPENCL);
    assert_int_equal(snapshot.held_count, 1); /* still holding LOCK_A */
    assert_int_equal(snapshot.span_since_ns, 1000);
    lane_snapshot_clear(&snapshot);
    assert_int_equal(lane_index_snapshot(index, 0, 3350, &snapshot), 0);
    assert_int_equal(snapshot.state, LANE_OPENCL);
    assert_int_equal(snapshot.wait_state, LANE_WAIT_LOCK); /* what it waits for inside the call */
    const struct snag_opencl_call *call = snag_opencl_call(snag_trace_opencl(((struct fixture *)*state)->trace), snapshot.call);
    assert_non_null(call);
    assert_int_equal(call->function, SNAG_CL_ENQUEUE_READ_BUFFER);
    lane_snapshot_clear(&snapshot);
    assert_int_equal(state_at(state, 0, 6000), LANE_RUNNING);

    /* the thread's events and its calls' starts and ends, merged; at one
     * nanosecond, the thread's own event first */
    struct lane_event event;
    assert_true(lane_index_next_event(index, 0, 600, LANE_OPS_ALL, &event));
    assert_int_equal(event.time_ns, 1000);
    assert_int_equal(event.op, LANE_OP_CALL);
    assert_true(lane_index_event_from(index, 0, 1000, event.ordinal + 1, LANE_OPS_ALL, &event));
    assert_int_equal(event.time_ns, 2000);
    assert_int_equal(event.op, SNAG_OP_RELEASE);
    assert_true(lane_index_event_from(index, 0, 2000, event.ordinal + 1, LANE_OPS_ALL, &event));
    assert_int_equal(event.time_ns, 2000);
    assert_int_equal(event.op, LANE_OP_CALL_END);
    assert_true(lane_index_event_before(index, 0, 2000, event.ordinal, LANE_OPS_ALL, &event));
    assert_int_equal(event.op, SNAG_OP_RELEASE);
    /* only the thread's own: no call */
    assert_true(lane_index_next_event(index, 0, 600, LANE_OPS_THREAD, &event));
    assert_int_equal(event.time_ns, 2000);
    /* blocking: the read that waits for the device, then the lock wait inside it */
    assert_true(lane_index_next_event(index, 0, 0, LANE_OPS_WAITS, &event));
    assert_int_equal(event.time_ns, 3200);
    assert_int_equal(event.op, LANE_OP_CALL_WAITS);
    assert_true(lane_index_next_event(index, 0, 3200, LANE_OPS_WAITS, &event));
    assert_int_equal(event.time_ns, 3300);
    assert_int_equal(event.op, SNAG_OP_WAIT);
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
        cmocka_unit_test_setup_teardown(a_queue_gets_a_lane_of_its_device_commands, make_fixture, free_fixture),
        cmocka_unit_test_setup_teardown(a_threads_opencl_calls_show_over_what_it_holds_and_waits_for, make_fixture,
                                        free_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
