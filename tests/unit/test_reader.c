/* Unit tests for the trace reader (libtrace/reader/reader.c).
 *
 * Each test writes a small trace with the test-side builder (trace_builder.h)
 * into a private temporary directory, opens it with snag_trace_open and
 * checks what the reader makes of it: events in time order with their call
 * sites and objects, threads, processes, modules, names, the launcher's
 * exit statuses, and the errors and warnings for damaged files. The last
 * test damages a valid file in a few thousand ways and requires the reader
 * to either refuse it with a one-line error naming the file, or read it to
 * the end consistently and compute its lock statistics. Built with
 * -DSNAG_SANITIZE=ON, ASan and UBSan check every heap access and operation
 * on the way; the trace itself is mmap'ed, so a stray read inside the mapped
 * file goes unseen, but one past the mapping crashes the test.
 *
 * With the builder's defaults one tick is one nanosecond and the trace starts
 * at the process's anchor, so an event written at ticks T reads back at T ns.
 *
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
#include <unistd.h>

#include "snag/format.h"
#include "snag/lockstats.h"
#include "snag/reader.h"
#include "snag/stacks.h"
#include "trace_builder.h"

/* Recognisable values. */
#define MAIN_SELF UINT64_C(0x7f1000000740)
#define WORKER_SELF UINT64_C(0x7f1000800640)
#define OTHER_SELF UINT64_C(0x7f1001000640)
#define MUTEX_A UINT64_C(0x555555558040)
#define MUTEX_B UINT64_C(0x555555558080)
#define SITE_1 UINT64_C(0x555555555123)
#define SITE_2 UINT64_C(0x555555555456)
#define SITE_3 UINT64_C(0x7f2000012345)
#define WIDE_OBJECT UINT64_C(0xffff800012345678) /* more than 48 bits */

#define MAX_EVENTS 4096


/* ------------------------------------------------------------- helpers */

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

static struct snag_trace *open_ok(const char *path)
{
    char error[1024] = "";
    struct snag_trace *trace = snag_trace_open(path, error, sizeof error);
    if (!trace) fail_msg("snag_trace_open(%s) failed: %s", path, error);
    return trace;
}

/* Opens `path` expecting failure; the error is one non-empty line. */
static void open_fails(const char *path, char *error, size_t size)
{
    error[0] = '\0';
    struct snag_trace *trace = snag_trace_open(path, error, size);
    if (trace) {
        snag_trace_close(trace);
        fail_msg("snag_trace_open(%s) succeeded, expected an error", path);
    }
    assert_true(strlen(error) > 0);
    assert_null(strchr(error, '\n'));
}

static struct snag_trace *write_and_open(const char *directory, struct tb_file *file)
{
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    return open_ok(directory);
}

/* Every event of the trace (at most `max`); returns how many. */
static size_t read_all(const struct snag_trace *trace, struct snag_event *events, size_t max)
{
    struct snag_event_cursor *cursor = snag_events_all(trace);
    assert_non_null(cursor);
    size_t count = 0;
    struct snag_event event;
    while (snag_event_next(cursor, &event)) {
        assert_true(count < max);
        events[count++] = event;
    }
    snag_event_cursor_free(cursor);
    return count;
}

static size_t read_thread(const struct snag_trace *trace, uint32_t thread, struct snag_event *events, size_t max)
{
    struct snag_event_cursor *cursor = snag_events_of_thread(trace, thread);
    assert_non_null(cursor);
    size_t count = 0;
    struct snag_event event;
    while (snag_event_next(cursor, &event)) {
        assert_true(count < max);
        events[count++] = event;
    }
    snag_event_cursor_free(cursor);
    return count;
}

/* The trace-wide thread with this local index in process `process`. */
static const struct snag_thread_info *thread_of(const struct snag_trace *trace, uint32_t process, uint32_t local)
{
    for (size_t index = 0; index < snag_trace_thread_count(trace); index++) {
        const struct snag_thread_info *thread = snag_trace_thread(trace, index);
        if (thread->process == process && thread->local_index == local) return thread;
    }
    fail_msg("no thread %u in process %u", local, process);
    return NULL;
}

static const struct snag_process_info *process_with_pid(const struct snag_trace *trace, int32_t pid,
                                                        uint32_t image_seq)
{
    for (size_t index = 0; index < snag_trace_process_count(trace); index++) {
        const struct snag_process_info *process = snag_trace_process(trace, index);
        if (process->pid == pid && process->image_seq == image_seq) return process;
    }
    fail_msg("no process %d (image %u)", (int)pid, image_seq);
    return NULL;
}

static int has_warning(const struct snag_trace *trace, const char *needle)
{
    for (size_t index = 0; index < snag_trace_warning_count(trace); index++)
        if (strstr(snag_trace_warning(trace, index), needle)) return 1;
    return 0;
}

static size_t modules_of(const struct snag_trace *trace, uint32_t process)
{
    size_t count = 0;
    for (size_t index = 0; index < snag_trace_module_count(trace); index++)
        if (snag_trace_module(trace, index)->process == process) count++;
    return count;
}

static const struct snag_module_info *module_named(const struct snag_trace *trace, uint32_t process,
                                                   const char *path)
{
    for (size_t index = 0; index < snag_trace_module_count(trace); index++) {
        const struct snag_module_info *module = snag_trace_module(trace, index);
        if (module->process == process && strcmp(module->path, path) == 0) return module;
    }
    return NULL;
}

/* Deterministic PRNG (xorshift64*). */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* A small valid process file: main thread and a worker. */
static struct tb_file *simple_process(int32_t pid)
{
    struct tb_file *file = tb_begin(pid, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, pid, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_event(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    return file;
}

/* ------------------------------------------------------------- events */

static void reader_orders_events_of_two_threads_by_time(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_add_thread(file, 2, 5, WORKER_SELF, 101, 0);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_event(file, 1, 30, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    tb_event(file, 1, 50, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_event(file, 2, 20, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_A, SITE_2);
    tb_event(file, 2, 40, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_2);
    struct snag_trace *trace = write_and_open(directory, file);

    static const struct {
        uint64_t time;
        uint32_t local_thread;
        uint8_t op;
    } expected[] = {
        {10, 1, SNAG_OP_ACQUIRE}, {20, 2, SNAG_OP_WAIT},    {30, 1, SNAG_OP_RELEASE},
        {40, 2, SNAG_OP_ACQUIRE}, {50, 1, SNAG_OP_ACQUIRE},
    };
    struct snag_event events[MAX_EVENTS];
    size_t count = read_all(trace, events, MAX_EVENTS);
    assert_int_equal(count, 5);
    assert_int_equal(snag_trace_event_count(trace), 5);
    for (size_t index = 0; index < count; index++) {
        assert_int_equal(events[index].time_ns, expected[index].time);
        assert_int_equal(snag_trace_thread(trace, events[index].thread)->local_index, expected[index].local_thread);
        assert_int_equal(events[index].op, expected[index].op);
        assert_int_equal(events[index].object_class, SNAG_CLASS_MUTEX);
        assert_int_equal(events[index].object, MUTEX_A);
        assert_int_equal(events[index].process, 0);
    }
    assert_int_equal(thread_of(trace, 0, 1)->event_count, 3);
    assert_int_equal(thread_of(trace, 0, 2)->event_count, 2);
    snag_trace_close(trace);
}

static void reader_breaks_time_ties_by_thread(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    for (uint32_t thread = 1; thread <= 3; thread++)
        for (uint64_t ticks = 10; ticks <= 30; ticks += 10)
            tb_event(file, thread, ticks, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A + thread * 64, SITE_1);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    size_t count = read_all(trace, events, MAX_EVENTS);
    assert_int_equal(count, 9);
    for (size_t index = 0; index < count; index++) {
        assert_int_equal(events[index].time_ns, 10 + 10 * (index / 3));
        if (index % 3) assert_true(events[index - 1].thread < events[index].thread);
    }
    snag_trace_close(trace);
}

/* Chunks of two threads interleave in the file; each thread reads back whole,
 * and in the order of its chunks' sequence numbers, not their file order. */
static void reader_reads_each_thread_across_its_chunks_in_sequence_order(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->chunk_size = 4096; /* (4096 - 64) / 16 = 252 fixed records a chunk */
    for (uint64_t ticks = 1; ticks <= 600; ticks++) {
        uint32_t thread = ticks % 2 ? 1 : 2;
        tb_event(file, thread, ticks, SNAG_CLASS_MUTEX, ticks % 4 < 2 ? SNAG_OP_ACQUIRE : SNAG_OP_RELEASE,
                 thread == 1 ? MUTEX_A : MUTEX_B, SITE_1);
    }
    assert_int_equal(tb_chunk_count(file), 4); /* 300 records a thread: 252 + 48, twice */
    /* Thread 1's chunks are file chunks 0 and 2: label them the other way
     * round, as if its second chunk had come first in the file. */
    assert_int_equal(tb_chunk_header(file, 0)->thread_index, 1);
    assert_int_equal(tb_chunk_header(file, 2)->thread_index, 1);
    tb_chunk_header(file, 0)->chunk_seq = 1;
    tb_chunk_header(file, 2)->chunk_seq = 0;
    struct snag_trace *trace = write_and_open(directory, file);

    assert_int_equal(snag_trace_event_count(trace), 600);
    static struct snag_event events[MAX_EVENTS];
    const struct snag_thread_info *second = thread_of(trace, 0, 2);
    size_t count = read_thread(trace, second->index, events, MAX_EVENTS);
    assert_int_equal(count, 300);
    for (size_t index = 0; index < count; index++) {
        assert_int_equal(events[index].time_ns, 2 + 2 * index);
        assert_int_equal(events[index].object, MUTEX_B);
        assert_int_equal(events[index].thread, second->index);
    }
    const struct snag_thread_info *first = thread_of(trace, 0, 1);
    count = read_thread(trace, first->index, events, MAX_EVENTS);
    assert_int_equal(count, 300);
    /* the 48 records of file chunk 2 (sequence 0), then the 252 of file chunk 0 */
    for (size_t index = 0; index < 48; index++) assert_int_equal(events[index].time_ns, 505 + 2 * index);
    for (size_t index = 48; index < 300; index++) assert_int_equal(events[index].time_ns, 1 + 2 * (index - 48));
    snag_trace_close(trace);
}

/* One thread of process 100 takes and releases MUTEX_A, `records` records
 * at ticks 1, 2, ..., in 4096-byte chunks of 252 fixed records each. */
static struct tb_file *lock_loop_in_small_chunks(uint64_t records)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->chunk_size = 4096;
    for (uint64_t ticks = 1; ticks <= records; ticks++)
        tb_event(file, 1, ticks, SNAG_CLASS_MUTEX, ticks % 2 ? SNAG_OP_ACQUIRE : SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    return file;
}

/* The shim copies a full staging chunk out, then empties it for the next
 * chunk_seq; a process killed in between leaves two identical copies of one
 * chunk_seq. Each event is read once, in order. */
static void reader_reads_a_chunk_left_in_two_copies_once(void **state)
{
    const char *directory = *state;
    struct tb_file *file = lock_loop_in_small_chunks(300);
    assert_int_equal(tb_chunk_count(file), 2);
    tb_copy_chunk(file, 0); /* the copy of sequence 0, after the staging chunk */
    tb_copy_chunk(file, 1); /* and one of sequence 1 */
    struct snag_trace *trace = write_and_open(directory, file);

    assert_int_equal(snag_trace_event_count(trace), 300);
    assert_int_equal(snag_trace_thread_count(trace), 1);
    static struct snag_event events[MAX_EVENTS];
    size_t count = read_thread(trace, thread_of(trace, 0, 1)->index, events, MAX_EVENTS);
    assert_int_equal(count, 300);
    for (size_t index = 0; index < count; index++) assert_int_equal(events[index].time_ns, 1 + index);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    snag_trace_close(trace);
}

/* A gap in a thread's chunk numbers is damage the shim never leaves (a copy
 * goes in before its staging chunk is reused): the reader reads the rest
 * and says how many chunks are missing. */
static void reader_warns_of_a_gap_in_a_threads_chunks(void **state)
{
    const char *directory = *state;
    struct tb_file *file = lock_loop_in_small_chunks(600);
    assert_int_equal(tb_chunk_count(file), 3);
    tb_chunk_header(file, 2)->chunk_seq = 4; /* 0, 1, 4: two missing */
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_event_count(trace), 600);
    assert_true(has_warning(trace, "thread 1 (tid 100) lacks 2 of its chunks"));
    snag_trace_close(trace);
}

static void reader_resolves_call_site_ids_through_the_site_table(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_event(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_2);
    tb_set_site(file, 9000, SITE_3);
    tb_event_aux(file, 1, 30, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, MUTEX_B, 9000);
    tb_event_aux(file, 1, 40, SNAG_CLASS_RWLOCK, SNAG_OP_RELEASE, MUTEX_B, SNAG_SITE_NONE);
    tb_event(file, 1, 50, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 5);
    static const uint64_t sites[] = {SITE_1, SITE_2, SITE_3, 0, SITE_1};
    for (size_t index = 0; index < 5; index++) {
        assert_int_equal(events[index].site, sites[index]);
        assert_int_equal(events[index].aux, 0); /* site-carrying ops report no aux */
    }
    snag_trace_close(trace);
}

static void reader_uses_spelled_out_site_when_table_overflowed(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_set_site(file, 1, SITE_1);
    tb_event_site_in_record(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_3);
    tb_event_aux(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, 1);
    tb_event_site_in_record(file, 1, 30, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_A, SITE_2);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 3); /* SITE records are no events */
    assert_int_equal(snag_trace_event_count(trace), 3);
    assert_int_equal(events[0].site, SITE_3);
    assert_int_equal(events[1].site, SITE_1); /* the spelled-out site was for the record after it only */
    assert_int_equal(events[2].site, SITE_2);
    assert_int_equal(events[2].op, SNAG_OP_WAIT);
    snag_trace_close(trace);
}

static void reader_restores_full_object_address_from_object_record(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, WIDE_OBJECT, SITE_1); /* OBJECT record, then the event */
    tb_event(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    /* both at once: SITE, OBJECT, event */
    tb_record(file, 1, 30, SNAG_REC_SITE, SITE_3);
    tb_event_aux(file, 1, 30, SNAG_CLASS_SEM, SNAG_OP_RELEASE, WIDE_OBJECT + 8, SNAG_SITE_IN_RECORD);
    tb_event(file, 1, 40, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, WIDE_OBJECT, SITE_2);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 4);
    assert_int_equal(events[0].object, WIDE_OBJECT);
    assert_int_equal(events[0].site, SITE_1);
    assert_int_equal(events[1].object, MUTEX_A); /* the OBJECT record was for one record only */
    assert_int_equal(events[2].object, WIDE_OBJECT + 8);
    assert_int_equal(events[2].site, SITE_3);
    assert_int_equal(events[2].object_class, SNAG_CLASS_SEM);
    assert_int_equal(events[3].object, WIDE_OBJECT);
    assert_int_equal(events[3].site, SITE_2);
    snag_trace_close(trace);
}

/* FAILED, WAKE, ATTRIBUTE and EXIT carry a value in aux, not a call site:
 * even when a site-table slot has that number. */
static void reader_reports_aux_instead_of_site_for_failed_wake_attribute_and_exit(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_set_site(file, ETIMEDOUT, SITE_1);
    tb_set_site(file, 1, SITE_2);
    tb_set_site(file, 0x101, SITE_3);
    tb_set_site(file, 2, SITE_3);
    tb_event_aux(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_FAILED, MUTEX_A, ETIMEDOUT);
    tb_event_aux(file, 1, 20, SNAG_CLASS_BARRIER, SNAG_OP_WAKE, MUTEX_B, 1);
    tb_event_aux(file, 1, 30, SNAG_CLASS_MUTEX, SNAG_OP_ATTRIBUTE, MUTEX_A, 0x101);
    tb_event_aux(file, 1, 40, SNAG_CLASS_THREAD, SNAG_OP_EXIT, MAIN_SELF, SNAG_THREAD_EXIT_CANCELLED);
    tb_event_aux(file, 1, 50, SNAG_CLASS_COND, SNAG_OP_FAILED, MUTEX_B, SNAG_AUX_CANCELLED);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 5);
    static const uint16_t aux[] = {ETIMEDOUT, 1, 0x101, SNAG_THREAD_EXIT_CANCELLED, SNAG_AUX_CANCELLED};
    for (size_t index = 0; index < 5; index++) {
        assert_int_equal(events[index].aux, aux[index]);
        assert_int_equal(events[index].site, 0);
    }
    assert_int_equal(events[3].object_class, SNAG_CLASS_THREAD);
    assert_int_equal(events[3].object, MAIN_SELF);
    snag_trace_close(trace);
}

static void reader_stops_a_chunk_at_a_torn_record(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_event(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    /* a crash between the two stores: word1 written, word0 still zero */
    const uint64_t torn[2] = {0, MUTEX_A | (uint64_t)tb_site(file, SITE_1) << 48};
    tb_words(file, 1, torn, 2);
    tb_event(file, 1, 30, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1); /* beyond the end mark */
    tb_event(file, 2, 25, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_2); /* another chunk: unaffected */
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 3);
    assert_int_equal(snag_trace_event_count(trace), 3);
    assert_int_equal(events[0].time_ns, 10);
    assert_int_equal(events[1].time_ns, 20);
    assert_int_equal(events[2].time_ns, 25);
    assert_int_equal(events[2].object, MUTEX_B);
    assert_int_equal(thread_of(trace, 0, 1)->event_count, 2);
    snag_trace_close(trace);
}

static void reader_skips_unknown_fixed_and_variable_record_types(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_record(file, 1, 11, 0x05, UINT64_C(0xdeadbeefdeadbeef)); /* control types from the future: 16 bytes */
    tb_record(file, 1, 11, 0x07, UINT64_C(0x8888888888888888));
    tb_short(file, 1, 11, 0x0a); /* short types from the future: 8 bytes */
    tb_short(file, 1, 11, 0x0f);
    tb_record(file, 1, 12, SNAG_REC_CLOCK_ANCHOR, TB_ANCHOR_MONOTONIC_NS + 12);
    const uint8_t future[40] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    tb_variable(file, 1, 13, 0xfe, 0xcafef00d, future, sizeof future); /* variable types from the future */
    tb_variable(file, 1, 14, 0x85, 0, future, 3);
    tb_variable(file, 1, 15, 0xff, 0, NULL, 0); /* 16 bytes, no payload */
    tb_record(file, 1, 16, SNAG_REC_PROCESS_EXIT, 0);
    tb_event(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_2);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(snag_trace_event_count(trace), 2);
    assert_int_equal(events[0].time_ns, 10);
    assert_int_equal(events[1].time_ns, 20);
    assert_int_equal(events[1].op, SNAG_OP_RELEASE);
    assert_int_equal(events[1].site, SITE_2);
    snag_trace_close(trace);
}

/* RELEASE_PREVIOUS is a release, without call site, of what the record just
 * before acquired. */
static void reader_expands_release_previous_into_a_release_of_the_lock_just_acquired(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_short(file, 1, 20, SNAG_REC_RELEASE_PREVIOUS);
    tb_event(file, 1, 30, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, MUTEX_B, SITE_2);
    tb_short(file, 1, 40, SNAG_REC_RELEASE_PREVIOUS);
    tb_event(file, 1, 50, SNAG_CLASS_SPIN, SNAG_OP_ACQUIRE, WIDE_OBJECT, SITE_3); /* spelled-out object */
    tb_short(file, 1, 60, SNAG_REC_RELEASE_PREVIOUS);
    tb_event(file, 2, 35, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, MUTEX_A + 8, SITE_1); /* another thread meanwhile */
    tb_short(file, 2, 45, SNAG_REC_RELEASE_PREVIOUS);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    assert_int_equal(snag_trace_event_count(trace), 8);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 8);
    static const struct {
        uint64_t time;
        uint8_t object_class, op;
        uint64_t object, site;
    } expected[] = {
        {10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1},
        {20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, 0},
        {30, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, MUTEX_B, SITE_2},
        {35, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, MUTEX_A + 8, SITE_1},
        {40, SNAG_CLASS_RWLOCK, SNAG_OP_RELEASE, MUTEX_B, 0},
        {45, SNAG_CLASS_SEM, SNAG_OP_RELEASE, MUTEX_A + 8, 0},
        {50, SNAG_CLASS_SPIN, SNAG_OP_ACQUIRE, WIDE_OBJECT, SITE_3},
        {60, SNAG_CLASS_SPIN, SNAG_OP_RELEASE, WIDE_OBJECT, 0},
    };
    for (size_t index = 0; index < 8; index++) {
        assert_int_equal(events[index].time_ns, expected[index].time);
        assert_int_equal(events[index].object_class, expected[index].object_class);
        assert_int_equal(events[index].op, expected[index].op);
        assert_int_equal(events[index].object, expected[index].object);
        assert_int_equal(events[index].site, expected[index].site);
        assert_int_equal(events[index].aux, 0);
        assert_int_equal(snag_trace_thread(trace, events[index].thread)->local_index,
                         expected[index].object == MUTEX_A + 8 ? 2 : 1);
    }
    snag_trace_close(trace);
}

/* REACQUIRE repeats the last full ACQUIRE / ACQUIRE_SHARED of its chunk:
 * a lock loop is ACQUIRE, RELEASE_PREVIOUS, then REACQUIRE, RELEASE_PREVIOUS... */
static void reader_expands_reacquire_into_the_last_acquisition_of_the_chunk(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_short(file, 1, 20, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 30, SNAG_REC_REACQUIRE);
    tb_short(file, 1, 40, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 50, SNAG_REC_REACQUIRE);
    tb_event(file, 1, 55, SNAG_CLASS_THREAD, SNAG_OP_ACQUIRE, WORKER_SELF, 0); /* a join is no lock acquisition */
    tb_event(file, 1, 60, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    tb_short(file, 1, 70, SNAG_REC_REACQUIRE);
    tb_event(file, 1, 80, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, WIDE_OBJECT, SITE_2);
    tb_event(file, 1, 90, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1); /* not a short release */
    tb_short(file, 1, 100, SNAG_REC_REACQUIRE); /* the rwlock's read lock now */
    tb_short(file, 1, 110, SNAG_REC_RELEASE_PREVIOUS);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 12);
    assert_int_equal(snag_trace_event_count(trace), 12);
    static const struct {
        uint64_t time;
        uint8_t object_class, op;
        uint64_t object;
    } expected[] = {
        {10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A},
        {20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A},
        {30, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A},
        {40, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A},
        {50, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A},
        {55, SNAG_CLASS_THREAD, SNAG_OP_ACQUIRE, WORKER_SELF},
        {60, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A},
        {70, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A},
        {80, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, WIDE_OBJECT},
        {90, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A},
        {100, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, WIDE_OBJECT},
        {110, SNAG_CLASS_RWLOCK, SNAG_OP_RELEASE, WIDE_OBJECT},
    };
    for (size_t index = 0; index < 12; index++) {
        assert_int_equal(events[index].time_ns, expected[index].time);
        assert_int_equal(events[index].object_class, expected[index].object_class);
        assert_int_equal(events[index].op, expected[index].op);
        assert_int_equal(events[index].object, expected[index].object);
        assert_int_equal(events[index].process, 0);
        assert_int_equal(events[index].thread, events[0].thread);
    }
    snag_trace_close(trace);
}

/* REACQUIRE_RELEASE (format 2) is a REACQUIRE and its RELEASE_PREVIOUS in
 * one word, timed from the chunk's first_ticks: the shim turns the REACQUIRE
 * word into one at the release. Each chunk counts from its own first_ticks. */
static void reader_expands_reacquire_release_into_an_acquisition_and_its_release(void **state)
{
    const char *directory = *state;
    const uint64_t far = 1000 + SNAG_PAIR_OFFSET_MAX; /* the latest acquisition a word can time */
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 1000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1); /* chunk first_ticks 1000 */
    tb_short(file, 1, 1010, SNAG_REC_RELEASE_PREVIOUS);
    tb_pair(file, 1, 1020, 1035);
    tb_pair(file, 1, far, far + SNAG_PAIR_HOLD_MAX); /* the longest hold a word can time */
    tb_event(file, 2, 2000, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, MUTEX_B, SITE_2); /* another chunk: first_ticks 2000 */
    tb_short(file, 2, 2005, SNAG_REC_RELEASE_PREVIOUS);
    tb_pair(file, 2, 2010, 2010); /* held for no tick */
    tb_short(file, 2, 2100, SNAG_REC_REACQUIRE); /* a plain REACQUIRE after a pair: still the semaphore */
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    assert_int_equal(snag_trace_event_count(trace), 11);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 11);
    const struct {
        uint64_t time;
        uint32_t thread;
        uint8_t op;
    } expected[] = {
        {1000, 1, SNAG_OP_ACQUIRE}, {1010, 1, SNAG_OP_RELEASE}, {1020, 1, SNAG_OP_ACQUIRE},
        {1035, 1, SNAG_OP_RELEASE}, {2000, 2, SNAG_OP_ACQUIRE}, {2005, 2, SNAG_OP_RELEASE},
        {2010, 2, SNAG_OP_ACQUIRE}, {2010, 2, SNAG_OP_RELEASE}, {2100, 2, SNAG_OP_ACQUIRE},
        {far, 1, SNAG_OP_ACQUIRE},  {far + SNAG_PAIR_HOLD_MAX, 1, SNAG_OP_RELEASE},
    };
    for (size_t index = 0; index < 11; index++) {
        int second = expected[index].thread == 2;
        assert_int_equal(events[index].time_ns, expected[index].time);
        assert_int_equal(snag_trace_thread(trace, events[index].thread)->local_index, expected[index].thread);
        assert_int_equal(events[index].op, expected[index].op);
        assert_int_equal(events[index].object_class, second ? SNAG_CLASS_SEM : SNAG_CLASS_MUTEX);
        assert_int_equal(events[index].object, second ? MUTEX_B : MUTEX_A);
        /* acquisitions repeat the first one's call site; short releases have none */
        assert_int_equal(events[index].site, expected[index].op == SNAG_OP_RELEASE ? 0 : second ? SITE_2 : SITE_1);
    }
    snag_trace_close(trace);
}

/* Ticks far past the anchor (a corrupt or absurd clock) saturate at the
 * latest representable time instead of wrapping around to an early one: the
 * later event must never read as earlier. */
static void reader_saturates_times_beyond_the_clock_range_instead_of_wrapping(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->anchor_monotonic_ns = UINT64_MAX - 1000; /* ticks count ns from here */
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_short(file, 1, 5000, SNAG_REC_RELEASE_PREVIOUS); /* 4000 ns past UINT64_MAX */
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(events[0].op, SNAG_OP_ACQUIRE);
    assert_int_equal(events[1].op, SNAG_OP_RELEASE);
    assert_true(events[1].time_ns >= events[0].time_ns);
    assert_int_equal(events[1].time_ns - events[0].time_ns, 990); /* up to UINT64_MAX, then no further */
    snag_trace_close(trace);
}

/* A REACQUIRE_RELEASE with no acquisition before it in its chunk is corrupt:
 * the reader stops that chunk there with a warning. */
static void reader_stops_a_chunk_at_a_reacquire_release_without_acquisition(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 1000, SNAG_CLASS_COND, SNAG_OP_SIGNAL, MUTEX_B, SITE_1);
    uint64_t orphan = SNAG_PAIR_WORD(5, 5);
    tb_words(file, 1, &orphan, 1);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 1);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 1);
    snag_trace_close(trace);
}

/* Regression: thread_cursor_advance() copies the ACQUIRE event into
 * cursor->acquired before it resolves that event's call site, so a
 * REACQUIRE carries the site (and aux) of the event decoded before the
 * ACQUIRE instead of the ACQUIRE's own. */
static void reader_gives_reacquire_the_call_site_of_the_acquisition_it_repeats(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 5, SNAG_CLASS_COND, SNAG_OP_SIGNAL, MUTEX_B, SITE_3);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_short(file, 1, 20, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 30, SNAG_REC_REACQUIRE);
    tb_short(file, 1, 40, SNAG_REC_RELEASE_PREVIOUS);
    tb_event(file, 1, 50, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_2); /* first event of the thread's cursor */
    tb_short(file, 1, 60, SNAG_REC_REACQUIRE);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 7);
    assert_int_equal(events[1].site, SITE_1);
    assert_int_equal(events[3].op, SNAG_OP_ACQUIRE);
    assert_int_equal(events[3].site, SITE_1);
    assert_int_equal(events[3].aux, 0);
    assert_int_equal(events[6].op, SNAG_OP_ACQUIRE);
    assert_int_equal(events[6].site, SITE_2);
    snag_trace_close(trace);
}

/* A short record with nothing in its chunk to refer to is corrupt: the chunk
 * stops there, with a warning; other chunks are unaffected. */
static void reader_stops_a_chunk_at_a_short_record_with_nothing_to_refer_to(void **state)
{
    const char *directory = *state;
    for (int which = 0; which < 5; which++) {
        struct tb_file *file = tb_begin(100, 1);
        tb_header(file)->chunk_size = 4096; /* 252 fixed records a chunk */
        tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
        uint8_t bad = SNAG_REC_RELEASE_PREVIOUS;
        uint64_t good_events = 2;
        switch (which) {
        case 0: tb_short(file, 1, 11, SNAG_REC_RELEASE_PREVIOUS); break; /* then releasing twice */
        case 1: /* after a full release */
            tb_event(file, 1, 11, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
            break;
        case 2: tb_event(file, 1, 11, SNAG_CLASS_THREAD, SNAG_OP_ACQUIRE, WORKER_SELF, 0); break; /* after a join */
        case 3: /* not right after its acquisition */
            tb_record(file, 1, 11, SNAG_REC_CLOCK_ANCHOR, 0);
            good_events = 1;
            break;
        case 4: /* a re-acquisition in a chunk whose acquisition is in the chunk before */
            while (tb_next_offset(file, 1, 16))
                tb_event(file, 1, 11, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
            bad = SNAG_REC_REACQUIRE;
            good_events = 252;
            break;
        }
        tb_short(file, 1, 12, bad);
        tb_event(file, 1, 13, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1); /* lost */
        tb_event(file, 2, 14, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_1);
        struct snag_trace *trace = write_and_open(directory, file);
        if (snag_trace_warning_count(trace) != 1)
            fail_msg("case %d: %zu warnings", which, snag_trace_warning_count(trace));
        assert_non_null(strstr(snag_trace_warning(trace, 0), "100.snag"));
        static struct snag_event events[MAX_EVENTS];
        size_t count = read_all(trace, events, MAX_EVENTS);
        if (count != good_events + 1) fail_msg("case %d: %zu events", which, count);
        assert_int_equal(snag_trace_event_count(trace), good_events + 1);
        assert_int_equal(thread_of(trace, 0, 2)->event_count, 1);
        snag_trace_close(trace);
    }
}

/* Ticks convert with the file's own rate and anchor. */
static void reader_converts_ticks_with_the_file_clock(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    struct snag_file_header *header = tb_header(file);
    header->clock_source = SNAG_CLOCK_TSC;
    header->tick_hz = 250000000u; /* 4 ns a tick: exact in the reader's fixed point */
    header->anchor_ticks = 100000;
    tb_event(file, 1, 100000 + 250, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_event(file, 1, 100000 + 250000, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(events[0].time_ns, 1000);
    assert_int_equal(events[1].time_ns, 1000000);
    assert_int_equal(snag_trace_start_monotonic_ns(trace), TB_ANCHOR_MONOTONIC_NS);
    assert_int_equal(snag_trace_start_realtime_ns(trace), TB_ANCHOR_REALTIME_NS);
    assert_int_equal(snag_trace_process(trace, 0)->start_ns, 0);
    snag_trace_close(trace);
}

/* Two processes: times are relative to the earlier one's start. */
static void reader_puts_processes_on_one_timeline(void **state)
{
    const char *directory = *state;
    struct tb_file *first = simple_process(100);
    struct tb_file *second = tb_begin(200, 1);
    tb_header(second)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 1000;
    tb_event(second, 1, 5, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1); /* 1005 */
    assert_int_equal(tb_write_into(second, directory), 0);
    tb_free(second);
    struct snag_trace *trace = write_and_open(directory, first);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 3);
    assert_int_equal(events[0].time_ns, 10);
    assert_int_equal(events[1].time_ns, 20);
    assert_int_equal(events[2].time_ns, 1005);
    assert_int_equal(events[2].object, MUTEX_A);
    const struct snag_process_info *later = process_with_pid(trace, 200, 0);
    assert_int_equal(events[2].process, later->index);
    assert_int_not_equal(events[0].process, later->index);
    assert_int_equal(later->start_ns, 1000);
    assert_int_equal(snag_trace_end_ns(trace), 1005);
    snag_trace_close(trace);
}

/* ------------------------------------------------------------- damaged files */

static void reader_rejects_newer_format_version_with_message_naming_file(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    tb_header(file)->format_version = SNAG_FORMAT_VERSION + 1;
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char *path = tb_join(directory, "100.snag");
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, path));
    assert_non_null(strstr(error, "format"));
    open_fails(path, error, sizeof error); /* the file on its own too */
    assert_non_null(strstr(error, path));
    assert_non_null(strstr(error, "format"));
    free(path);
}

static void reader_rejects_format_version_zero(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    tb_header(file)->format_version = 0;
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, "100.snag"));
}

static void reader_rejects_garbage_file(void **state)
{
    const char *directory = *state;
    uint8_t garbage[3 * 4096];
    uint64_t seed = 42;
    for (size_t index = 0; index < sizeof garbage; index++) garbage[index] = (uint8_t)next_random(&seed);
    char *path = tb_join(directory, "100.snag");
    assert_int_equal(tb_write_bytes(path, garbage, sizeof garbage), 0);
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, path));
    /* the right magic does not make the rest valid */
    memcpy(garbage, SNAG_FILE_MAGIC, 8);
    assert_int_equal(tb_write_bytes(path, garbage, sizeof garbage), 0);
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, path));
    free(path);
}

static void reader_rejects_file_without_magic(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    tb_header(file)->magic[0] = 'X';
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, "100.snag"));
}

static void reader_rejects_truncated_header(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    size_t size;
    uint8_t *image = tb_image(file, &size);
    tb_free(file);
    char *path = tb_join(directory, "100.snag");
    /* inside the header struct, past it but inside the header page, inside the site table */
    static const size_t cuts[] = {1, 8, 100, sizeof(struct snag_file_header) - 1, 2048, SNAG_FILE_HEADER_SIZE,
                                  SNAG_FILE_HEADER_SIZE + 1000, TB_FIRST_CHUNK_OFFSET - 8};
    for (size_t index = 0; index < sizeof cuts / sizeof *cuts; index++) {
        assert_int_equal(tb_write_bytes(path, image, cuts[index]), 0);
        char error[1024];
        open_fails(directory, error, sizeof error);
        assert_non_null(strstr(error, path));
    }
    free(path);
    free(image);
}

static void reader_rejects_corrupt_header_fields(void **state)
{
    const char *directory = *state;
    enum { HEADER_SIZE, CHUNK_SIZE_SMALL, CHUNK_SIZE_ODD, CHUNK_SIZE_HUGE, TICK_HZ, CLOCK, FIRST_CHUNK, SITE_OFFSET,
           SITE_ALIGN, SITE_ENTRIES, FIRST_CHUNK_PAST_END, CASES };
    char *path = tb_join(directory, "100.snag");
    for (int which = 0; which < CASES; which++) {
        struct tb_file *file = simple_process(100);
        struct snag_file_header *header = tb_header(file);
        switch (which) {
        case HEADER_SIZE: header->header_size = 512; break;
        case CHUNK_SIZE_SMALL: header->chunk_size = 2048; break;
        case CHUNK_SIZE_ODD: header->chunk_size = 65536 + 8; break;
        case CHUNK_SIZE_HUGE: header->chunk_size = 1u << 31; break;
        case TICK_HZ: header->tick_hz = 0; break;
        case CLOCK: header->clock_source = 7; break;
        case FIRST_CHUNK: header->first_chunk_offset = 100; break;
        case SITE_OFFSET: header->site_table_offset = 100; break;
        case SITE_ALIGN: header->site_table_offset = SNAG_FILE_HEADER_SIZE + 4; break;
        case SITE_ENTRIES: header->site_table_entries = SNAG_SITE_TABLE_ENTRIES + 1; break;
        case FIRST_CHUNK_PAST_END: header->first_chunk_offset = 1u << 30; break;
        }
        assert_int_equal(tb_write_into(file, directory), 0);
        tb_free(file);
        char error[1024];
        open_fails(directory, error, sizeof error);
        assert_non_null(strstr(error, path));
    }
    free(path);
}

/* Regression: load_file checks site_table_offset + entries * 8 against
 * first_chunk_offset in 64-bit arithmetic that wraps: an offset near 2^64
 * passes and the site table then points outside the mapping. */
static void reader_rejects_site_table_that_wraps_around(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    struct snag_file_header *header = tb_header(file);
    header->site_table_entries = UINT32_MAX;
    header->site_table_offset = UINT64_C(0) - (uint64_t)UINT32_MAX * 8; /* + entries * 8 == 2^64 */
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, "100.snag"));
}

static void reader_rejects_corrupt_chunk_header(void **state)
{
    const char *directory = *state;
    char *path = tb_join(directory, "100.snag");
    for (int which = 0; which < 3; which++) {
        struct tb_file *file = simple_process(100);
        tb_event(file, 2, 30, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_1);
        struct snag_chunk_header *chunk = tb_chunk_header(file, 1);
        if (which == 0) chunk->magic = 0x12345678;
        else if (which == 1) chunk->thread_index = 0;
        else chunk->thread_index = UINT32_MAX;
        assert_int_equal(tb_write_into(file, directory), 0);
        tb_free(file);
        char error[1024];
        open_fails(directory, error, sizeof error);
        assert_non_null(strstr(error, path));
        assert_non_null(strstr(error, "chunk"));
    }
    free(path);
}

/* A chunk taken but never written (magic 0) is no error: it holds nothing. */
static void reader_skips_a_chunk_that_was_never_written(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_unwritten_chunk(file);
    tb_event(file, 2, 20, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_1);
    assert_int_equal(tb_chunk_count(file), 3);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_thread_count(trace), 2);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(events[1].object, MUTEX_B);
    snag_trace_close(trace);
}

static void reader_warns_when_header_counts_more_chunks_than_file_holds(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    tb_header(file)->chunk_count = 5; /* the file holds 1 */
    struct snag_trace *trace = write_and_open(directory, file);
    char *path = tb_join(directory, "100.snag");
    assert_int_equal(snag_trace_warning_count(trace), 1);
    assert_non_null(strstr(snag_trace_warning(trace, 0), path));
    assert_null(strchr(snag_trace_warning(trace, 0), '\n'));
    assert_null(snag_trace_warning(trace, 1));
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2); /* what the file holds is read */
    snag_trace_close(trace);
    free(path);
}

/* A file cut inside its last chunk: the records before the cut are read. */
static void reader_reads_a_partial_last_chunk(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    tb_event(file, 2, 30, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_1);
    tb_event(file, 2, 40, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_B, SITE_1);
    uint64_t cut = tb_next_offset(file, 2, 16) + 8; /* in the middle of the next record */
    tb_event(file, 2, 50, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_1);
    assert_true(cut > TB_FIRST_CHUNK_OFFSET + TB_CHUNK_SIZE);
    size_t size;
    uint8_t *image = tb_image(file, &size);
    tb_free(file);
    char *path = tb_join(directory, "100.snag");
    assert_int_equal(tb_write_bytes(path, image, cut), 0);
    struct snag_trace *trace = open_ok(directory);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 4);
    assert_int_equal(events[3].time_ns, 40);
    assert_int_equal(snag_trace_event_count(trace), 4);
    snag_trace_close(trace);
    /* cut inside the second chunk's header: that chunk is dropped */
    assert_int_equal(tb_write_bytes(path, image, TB_FIRST_CHUNK_OFFSET + TB_CHUNK_SIZE + 32), 0);
    trace = open_ok(directory);
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(snag_trace_thread_count(trace), 1);
    snag_trace_close(trace);
    free(path);
    free(image);
}

/* A variable record whose length is impossible loses the rest of its chunk
 * (and says so), not the trace. */
static void reader_drops_rest_of_chunk_at_variable_record_with_bad_length(void **state)
{
    const char *directory = *state;
    static const uint64_t lengths[] = {0, 8, 20, 17, TB_CHUNK_SIZE, UINT64_C(0xffffffff)};
    for (size_t which = 0; which < sizeof lengths / sizeof *lengths; which++) {
        struct tb_file *file = tb_begin(100, 1);
        tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
        const uint64_t bad[4] = {SNAG_REC_THREAD_NAME | UINT64_C(15) << 8, lengths[which] | UINT64_C(7) << 32,
                                 WORKER_SELF, 0x6b726f77};
        tb_words(file, 1, bad, 4);
        tb_event(file, 1, 30, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
        tb_event(file, 2, 40, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_B, SITE_1);
        struct snag_trace *trace = write_and_open(directory, file);
        assert_int_equal(snag_trace_warning_count(trace), 1);
        assert_non_null(strstr(snag_trace_warning(trace, 0), "100.snag"));
        assert_null(strchr(snag_trace_warning(trace, 0), '\n'));
        struct snag_event events[MAX_EVENTS];
        assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
        assert_int_equal(events[0].time_ns, 10);
        assert_int_equal(events[1].time_ns, 40);
        assert_int_equal(snag_trace_event_count(trace), 2);
        snag_trace_close(trace);
    }
}

/* A variable record exactly filling the rest of its chunk is fine. */
static void reader_accepts_variable_record_ending_at_chunk_end(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->chunk_size = 4096;
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    uint8_t payload[4096 - 64 - 16 - 16];
    memset(payload, 'x', sizeof payload);
    tb_variable(file, 1, 11, 0xf0, 0, payload, sizeof payload);
    tb_event(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1); /* next chunk */
    assert_int_equal(tb_chunk_count(file), 2);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(events[1].time_ns, 20);
    snag_trace_close(trace);
}

/* ------------------------------------------------------------- directories */

static void reader_reports_error_for_empty_directory(void **state)
{
    const char *directory = *state;
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, directory));
    /* files that are not process files do not count */
    char *notes = tb_join(directory, "notes.txt"), *named = tb_join(directory, "abc.snag");
    assert_int_equal(tb_write_bytes(notes, "hello\n", 6), 0);
    assert_int_equal(tb_write_bytes(named, "hello\n", 6), 0);
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, directory));
    free(notes);
    free(named);
}

static void reader_reports_error_for_missing_path(void **state)
{
    char *path = tb_join(*state, "no-such-trace");
    char error[1024];
    open_fails(path, error, sizeof error);
    assert_non_null(strstr(error, path));
    /* a tiny or absent error buffer is no problem */
    char tiny[8];
    memset(tiny, 'z', sizeof tiny);
    assert_null(snag_trace_open(path, tiny, sizeof tiny));
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
    assert_null(snag_trace_open(path, NULL, 0));
    free(path);
}

static void reader_opens_a_single_process_file(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(4242);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char *path = tb_join(directory, "4242.snag");
    struct snag_trace *trace = open_ok(path);
    assert_int_equal(snag_trace_process_count(trace), 1);
    const struct snag_process_info *process = snag_trace_process(trace, 0);
    assert_int_equal(process->pid, 4242);
    assert_int_equal(process->ppid, 1);
    assert_string_equal(process->file, path);
    assert_null(snag_trace_process(trace, 1));
    assert_int_equal(snag_trace_event_count(trace), 2);
    snag_trace_close(trace);
    free(path);
}

static void reader_ignores_files_not_named_like_process_files(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    assert_int_equal(tb_write_into(file, directory), 0);
    char *decoy = tb_join(directory, "notes.snag"), *text = tb_join(directory, "100.snag.txt");
    assert_int_equal(tb_write(file, decoy), 0);
    assert_int_equal(tb_write_bytes(text, "x", 1), 0);
    tb_free(file);
    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_process_count(trace), 1);
    snag_trace_close(trace);
    free(decoy);
    free(text);
}

static void reader_skips_empty_process_files_next_to_others(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char *empty = tb_join(directory, "101.snag"), *zeroes = tb_join(directory, "102.snag");
    static const uint8_t zero_page[4096];
    assert_int_equal(tb_write_bytes(empty, "", 0), 0);
    assert_int_equal(tb_write_bytes(zeroes, zero_page, sizeof zero_page), 0);
    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_process_count(trace), 1);
    assert_int_equal(snag_trace_process(trace, 0)->pid, 100);
    assert_int_equal(snag_trace_warning_count(trace), 2);
    assert_true(has_warning(trace, empty));
    assert_true(has_warning(trace, zeroes));
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    snag_trace_close(trace);
    /* nothing but empty files: an error */
    char *valid = tb_join(directory, "100.snag");
    assert_int_equal(unlink(valid), 0);
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, directory));
    free(valid);
    free(empty);
    free(zeroes);
}

/* ------------------------------------------------------------- threads and processes */

static void reader_reports_threads_from_thread_info_and_thread_records(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->end_ticks = 500;
    tb_add_thread(file, 1, 2, MAIN_SELF, 100, 1);
    tb_event(file, 1, 5, SNAG_CLASS_THREAD, SNAG_OP_CREATE, WORKER_SELF, SITE_1);
    tb_add_thread(file, 2, 10, WORKER_SELF, 101, 0);
    tb_event(file, 2, 10, SNAG_CLASS_THREAD, SNAG_OP_START, WORKER_SELF, SITE_2);
    tb_event_aux(file, 2, 90, SNAG_CLASS_THREAD, SNAG_OP_EXIT, WORKER_SELF, SNAG_THREAD_EXIT_PTHREAD_EXIT);
    tb_add_thread(file, 3, 20, OTHER_SELF, 102, 0);
    tb_event_site_in_record(file, 3, 20, SNAG_CLASS_THREAD, SNAG_OP_START, OTHER_SELF, SITE_3);
    tb_thread(file, 4, 4242); /* no THREAD_INFO: the tid comes from its chunk header */
    tb_event(file, 4, 30, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    struct snag_trace *trace = write_and_open(directory, file);

    assert_int_equal(snag_trace_thread_count(trace), 4);
    assert_null(snag_trace_thread(trace, 4));
    const struct snag_process_info *process = snag_trace_process(trace, 0);
    assert_int_equal(process->thread_count, 4);
    assert_int_equal(process->end_ns, 500);
    const struct snag_thread_info *main_thread = thread_of(trace, 0, 1);
    assert_true(main_thread->index >= process->first_thread &&
                main_thread->index < process->first_thread + process->thread_count);
    assert_int_equal(main_thread->tid, 100);
    assert_true(main_thread->is_main);
    assert_int_equal(main_thread->pthread_self, MAIN_SELF);
    assert_int_equal(main_thread->start_ns, 0); /* the main thread lives as long as its process */
    assert_int_equal(main_thread->end_ns, 500);
    assert_int_equal(main_thread->exit_how, -1);
    assert_int_equal(main_thread->start_routine, 0);
    assert_string_equal(main_thread->name, "");

    const struct snag_thread_info *worker = thread_of(trace, 0, 2);
    assert_int_equal(worker->tid, 101);
    assert_false(worker->is_main);
    assert_int_equal(worker->pthread_self, WORKER_SELF);
    assert_int_equal(worker->start_routine, SITE_2);
    assert_int_equal(worker->exit_how, SNAG_THREAD_EXIT_PTHREAD_EXIT);
    assert_int_equal(worker->start_ns, 10);
    assert_int_equal(worker->end_ns, 90);
    assert_int_equal(worker->event_count, 2);

    const struct snag_thread_info *other = thread_of(trace, 0, 3);
    assert_int_equal(other->start_routine, SITE_3);
    assert_int_equal(other->exit_how, -1);
    assert_int_equal(other->start_ns, 20);
    assert_int_equal(other->end_ns, 500); /* no EXIT record: as long as its process */

    const struct snag_thread_info *untold = thread_of(trace, 0, 4);
    assert_int_equal(untold->tid, 4242);
    assert_int_equal(untold->pthread_self, 0);
    snag_trace_close(trace);
}

static void reader_names_threads_from_thread_name_records(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_thread_name(file, 1, 1, MAIN_SELF, "main");
    tb_add_thread(file, 2, 5, WORKER_SELF, 101, 0);
    tb_thread_name(file, 1, 10, WORKER_SELF, "worker");    /* named by the main thread */
    tb_thread_name(file, 2, 20, WORKER_SELF, "worker-2");  /* renames itself later */
    tb_event_aux(file, 2, 50, SNAG_CLASS_THREAD, SNAG_OP_EXIT, WORKER_SELF, SNAG_THREAD_EXIT_RETURN);
    /* a new thread gets the same pthread_t: a name given after it started is its own */
    tb_add_thread(file, 3, 100, WORKER_SELF, 103, 0);
    tb_thread_name(file, 1, 120, WORKER_SELF, "reused");
    tb_add_thread(file, 4, 130, OTHER_SELF, 104, 0);
    tb_thread_name(file, 1, 140, UINT64_C(0x1234), "nobody"); /* no such thread: ignored */
    tb_thread_name(file, 4, 150, OTHER_SELF, "\x1b[2Jevil");   /* raw bytes: the reader does not filter */
    struct snag_trace *trace = write_and_open(directory, file);
    assert_string_equal(thread_of(trace, 0, 1)->name, "main");
    assert_string_equal(thread_of(trace, 0, 2)->name, "worker-2");
    assert_string_equal(thread_of(trace, 0, 3)->name, "reused");
    assert_string_equal(thread_of(trace, 0, 4)->name, "\x1b[2Jevil");
    snag_trace_close(trace);
}

/* Regression: apply_names() applies THREAD_NAME records in file order (chunk
 * by chunk), not time order, so a name recorded earlier in a later chunk
 * overrides one recorded later in an earlier chunk. */
static void reader_names_a_thread_after_its_latest_name_in_time(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);        /* file chunk 0 */
    tb_add_thread(file, 2, 5, WORKER_SELF, 101, 0);      /* file chunk 1 */
    tb_thread_name(file, 2, 100, WORKER_SELF, "early");  /* in chunk 1 */
    tb_thread_name(file, 1, 300, WORKER_SELF, "late");   /* in chunk 0 */
    struct snag_trace *trace = write_and_open(directory, file);
    assert_string_equal(thread_of(trace, 0, 2)->name, "late");
    snag_trace_close(trace);
}

static void reader_collects_modules_and_process_argv(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    static const char *const argv[] = {"prog", "-v", "two words"};
    tb_process_info(file, 1, 0, 3, argv, "/usr/bin/prog");
    static const uint8_t build_id[20] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    tb_module(file, 1, 0, 0x555555554000, 0x555555554000, 0x555555559000, build_id, sizeof build_id, "/usr/bin/prog");
    tb_module(file, 1, 0, 0x7f0000000000, 0x7f0000001000, 0x7f0000200000, NULL, 0, "/lib/libc.so.6");
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    tb_module(file, 1, 70, 0x7f1000000000, 0x7f1000000000, 0x7f1000010000, build_id, 8, "/opt/plugin.so");
    tb_sem_name(file, 1, 80, MUTEX_B, "/jobs");
    struct snag_trace *trace = write_and_open(directory, file);

    const struct snag_process_info *process = snag_trace_process(trace, 0);
    assert_int_equal(process->argc, 3);
    assert_string_equal(process->argv[0], "prog");
    assert_string_equal(process->argv[1], "-v");
    assert_string_equal(process->argv[2], "two words");
    assert_string_equal(process->exe, "/usr/bin/prog");

    assert_int_equal(snag_trace_module_count(trace), 3);
    const struct snag_module_info *program = module_named(trace, 0, "/usr/bin/prog");
    assert_non_null(program);
    assert_int_equal(program->base_address, 0x555555554000);
    assert_int_equal(program->low_address, 0x555555554000);
    assert_int_equal(program->high_address, 0x555555559000);
    assert_int_equal(program->build_id_size, sizeof build_id);
    assert_memory_equal(program->build_id, build_id, sizeof build_id);
    assert_int_equal(program->load_ns, 0);
    const struct snag_module_info *libc = module_named(trace, 0, "/lib/libc.so.6");
    assert_non_null(libc);
    assert_int_equal(libc->build_id_size, 0);
    assert_int_equal(libc->low_address, 0x7f0000001000);
    const struct snag_module_info *plugin = module_named(trace, 0, "/opt/plugin.so");
    assert_non_null(plugin);
    assert_int_equal(plugin->load_ns, 70);
    assert_int_equal(plugin->build_id_size, 8);
    assert_memory_equal(plugin->build_id, build_id, 8);
    assert_null(snag_trace_module(trace, 3));

    assert_string_equal(snag_trace_semaphore_name(trace, 0, MUTEX_B), "/jobs");
    assert_null(snag_trace_semaphore_name(trace, 0, MUTEX_A));
    assert_null(snag_trace_semaphore_name(trace, 1, MUTEX_B));
    snag_trace_close(trace);
}

static void reader_ignores_module_and_process_records_with_bad_sizes(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    struct snag_module_record module = {.base_address = 0x1000, .build_id_size = 200, .path_size = 4};
    uint8_t payload[sizeof module + 8];
    memcpy(payload, &module, sizeof module);
    memcpy(payload + sizeof module, "/a/b", 4);
    tb_variable(file, 1, 1, SNAG_REC_MODULE, 0, payload, sizeof payload); /* build id runs past the record */
    module.build_id_size = 0;
    module.path_size = 0;
    memcpy(payload, &module, sizeof module);
    tb_variable(file, 1, 2, SNAG_REC_MODULE, 0, payload, sizeof payload); /* no path */
    struct snag_process_record process_record = {.argc = 1, .strings_size = 4000};
    uint8_t process_payload[sizeof process_record + 8];
    memcpy(process_payload, &process_record, sizeof process_record);
    memcpy(process_payload + sizeof process_record, "prog\0/x", 8);
    tb_variable(file, 1, 3, SNAG_REC_PROCESS_INFO, 0, process_payload, sizeof process_payload);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_module_count(trace), 0);
    assert_int_equal(snag_trace_warning_count(trace), 3);
    const struct snag_process_info *process = snag_trace_process(trace, 0);
    assert_int_equal(process->argc, 0);
    assert_non_null(process->argv);
    assert_string_equal(process->argv[0], "");
    assert_string_equal(process->exe, "");
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 1); /* the chunk goes on */
    snag_trace_close(trace);
}

static void reader_reports_header_exit_status_and_dropped_records(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    struct snag_file_header *header = tb_header(file);
    header->exit_kind = SNAG_EXIT_STATUS;
    header->exit_value = 3;
    header->end_ticks = 700;
    header->dropped_records = 7;
    struct snag_trace *trace = write_and_open(directory, file);
    const struct snag_process_info *process = snag_trace_process(trace, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_STATUS);
    assert_int_equal(process->exit_value, 3);
    assert_int_equal(process->end_ns, 700);
    assert_int_equal(process->dropped_records, 7);
    assert_int_equal(snag_trace_end_ns(trace), 700);
    snag_trace_close(trace);
}

static void reader_applies_launcher_exit_status(void **state)
{
    const char *directory = *state;
    struct tb_file *killed = simple_process(100); /* died without a word */
    assert_int_equal(tb_write_into(killed, directory), 0);
    tb_free(killed);
    struct tb_file *exited = simple_process(101);
    tb_header(exited)->exit_kind = SNAG_EXIT_STATUS;
    tb_header(exited)->exit_value = 0;
    tb_header(exited)->end_ticks = 300;
    assert_int_equal(tb_write_into(exited, directory), 0);
    tb_free(exited);
    struct tb_file *replaced = simple_process(102); /* exec'd: the launcher saw the next image end */
    tb_header(replaced)->exit_kind = SNAG_EXIT_EXEC;
    tb_header(replaced)->end_ticks = 200;
    assert_int_equal(tb_write_into(replaced, directory), 0);
    tb_free(replaced);
    struct tb_file *untold = simple_process(103); /* the launcher does not know */
    assert_int_equal(tb_write_into(untold, directory), 0);
    tb_free(untold);

    struct snag_launcher_header launcher;
    tb_launcher_defaults(&launcher, 100);
    launcher.end_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 9000;
    const struct snag_launcher_entry entries[] = {
        {.pid = 100, .exit_kind = SNAG_EXIT_SIGNAL, .exit_value = 9, .end_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 5000},
        {.pid = 101, .exit_kind = SNAG_EXIT_STATUS, .exit_value = 4, .end_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 250},
        {.pid = 102, .exit_kind = SNAG_EXIT_STATUS, .exit_value = 1, .end_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 8000},
        {.pid = 103, .exit_kind = SNAG_EXIT_UNKNOWN, .exit_value = 5,
         .end_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 8000},
    };
    assert_int_equal(tb_write_launcher(directory, &launcher, entries, 4), 0);
    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_process_count(trace), 4); /* launcher.snag is no process */

    const struct snag_process_info *process = process_with_pid(trace, 100, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_SIGNAL);
    assert_int_equal(process->exit_value, 9);
    assert_int_equal(process->end_ns, 5000); /* when the launcher saw it end */
    process = process_with_pid(trace, 101, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_STATUS);
    assert_int_equal(process->exit_value, 4);
    assert_int_equal(process->end_ns, 300); /* never earlier than its own end */
    process = process_with_pid(trace, 102, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_EXEC);
    assert_int_equal(process->end_ns, 200);
    process = process_with_pid(trace, 103, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_UNKNOWN);
    assert_int_equal(process->end_ns, 20);
    assert_int_equal(snag_trace_end_ns(trace), 5000);
    snag_trace_close(trace);
}

static void reader_starts_trace_at_launcher_start(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    struct snag_launcher_header launcher;
    tb_launcher_defaults(&launcher, 100);
    launcher.start_monotonic_ns = TB_ANCHOR_MONOTONIC_NS - 1000;
    launcher.start_realtime_ns = 1234567;
    launcher.tick_hz = 0; /* unknown rate: the file's own is used */
    assert_int_equal(tb_write_launcher(directory, &launcher, NULL, 0), 0);
    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_start_monotonic_ns(trace), TB_ANCHOR_MONOTONIC_NS - 1000);
    assert_int_equal(snag_trace_start_realtime_ns(trace), 1234567);
    assert_int_equal(snag_trace_process(trace, 0)->start_ns, 1000);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 2);
    assert_int_equal(events[0].time_ns, 1010);
    assert_int_equal(events[1].time_ns, 1020);
    snag_trace_close(trace);
}

/* The launcher's rate was measured over the whole run: processes on the
 * same clock use it instead of their own. */
static void reader_prefers_launcher_tick_rate_on_the_same_clock(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->clock_source = SNAG_CLOCK_TSC;
    tb_header(file)->tick_hz = 1000000000u;
    tb_event(file, 1, 4000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    struct snag_launcher_header launcher;
    tb_launcher_defaults(&launcher, 100);
    launcher.clock_source = SNAG_CLOCK_TSC;
    launcher.tick_hz = 2000000000u;
    assert_int_equal(tb_write_launcher(directory, &launcher, NULL, 0), 0);
    struct snag_trace *trace = open_ok(directory);
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 1);
    assert_int_equal(events[0].time_ns, 2000);
    snag_trace_close(trace);
    /* a launcher on another clock says nothing about the file's rate */
    launcher.clock_source = SNAG_CLOCK_MONOTONIC;
    assert_int_equal(tb_write_launcher(directory, &launcher, NULL, 0), 0);
    trace = open_ok(directory);
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 1);
    assert_int_equal(events[0].time_ns, 4000);
    snag_trace_close(trace);
}

static void reader_rejects_bad_launcher_file(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char *path = tb_join(directory, SNAG_LAUNCHER_FILE);
    struct snag_launcher_header launcher;
    tb_launcher_defaults(&launcher, 100);
    launcher.format_version = SNAG_FORMAT_VERSION + 1;
    assert_int_equal(tb_write_launcher(directory, &launcher, NULL, 0), 0);
    char error[1024];
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, path));
    assert_non_null(strstr(error, "format"));
    /* truncated */
    tb_launcher_defaults(&launcher, 100);
    assert_int_equal(tb_write_bytes(path, &launcher, sizeof launcher - 8), 0);
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, path));
    /* bad magic */
    launcher.magic[0] = 'X';
    assert_int_equal(tb_write_bytes(path, &launcher, sizeof launcher), 0);
    open_fails(directory, error, sizeof error);
    assert_non_null(strstr(error, path));
    free(path);
}

/* entry_count larger than the file: only the entries present are used. */
static void reader_reads_only_launcher_entries_the_file_holds(void **state)
{
    const char *directory = *state;
    struct tb_file *file = simple_process(100);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    struct snag_launcher_header launcher;
    tb_launcher_defaults(&launcher, 100);
    const struct snag_launcher_entry entry = {.pid = 100, .exit_kind = SNAG_EXIT_STATUS, .exit_value = 2};
    assert_int_equal(tb_write_launcher(directory, &launcher, &entry, 1), 0);
    char *path = tb_join(directory, SNAG_LAUNCHER_FILE);
    launcher.entry_count = 1000000;
    uint8_t bytes[sizeof launcher + sizeof entry + 7];
    memcpy(bytes, &launcher, sizeof launcher);
    memcpy(bytes + sizeof launcher, &entry, sizeof entry);
    memset(bytes + sizeof launcher + sizeof entry, 0xff, 7); /* a partial entry */
    assert_int_equal(tb_write_bytes(path, bytes, sizeof bytes), 0);
    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_process(trace, 0)->exit_kind, SNAG_EXIT_STATUS);
    assert_int_equal(snag_trace_process(trace, 0)->exit_value, 2);
    snag_trace_close(trace);
    free(path);
}

static void reader_links_processes_to_their_parents(void **state)
{
    const char *directory = *state;
    struct tb_file *parent = simple_process(100);
    tb_header(parent)->exit_kind = SNAG_EXIT_EXEC;
    tb_header(parent)->end_ticks = 40;
    assert_int_equal(tb_write_into(parent, directory), 0);
    tb_free(parent);
    struct tb_file *image = simple_process(100); /* 100's second image, after its exec */
    tb_header(image)->image_seq = 1;
    tb_header(image)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 50;
    assert_int_equal(tb_write_into(image, directory), 0);
    tb_free(image);
    struct tb_file *child = simple_process(200); /* started by the new image (not forked from a traced one) */
    tb_header(child)->ppid = 100;
    tb_header(child)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 60;
    assert_int_equal(tb_write_into(child, directory), 0);
    tb_free(child);
    struct tb_file *orphan = simple_process(300);
    tb_header(orphan)->ppid = 77;
    assert_int_equal(tb_write_into(orphan, directory), 0);
    tb_free(orphan);

    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_process_count(trace), 4);
    const struct snag_process_info *first = process_with_pid(trace, 100, 0);
    const struct snag_process_info *second = process_with_pid(trace, 100, 1);
    assert_int_equal(second->start_ns, 50);
    assert_false(second->forked);
    const struct snag_process_info *started = process_with_pid(trace, 200, 0);
    assert_int_equal(started->parent, second->index); /* the newest image that started before it */
    assert_int_not_equal(started->parent, first->index);
    assert_int_equal(process_with_pid(trace, 300, 0)->parent, SNAG_NO_INDEX);
    assert_int_equal(first->parent, SNAG_NO_INDEX);
    assert_string_not_equal(first->file, second->file);
    snag_trace_close(trace);
}

/* Processes are numbered in the order they started, whatever their file
 * names (an exec'd image's "<pid>.1.snag" sorts before "<pid>.snag"). */
static void reader_orders_processes_by_start(void **state)
{
    const char *directory = *state;
    static const struct {
        int32_t pid;
        uint32_t image_seq;
        uint64_t start;
    } files[] = {{300, 0, 10}, {100, 0, 20}, {100, 1, 40}, {200, 0, 30}, {50, 0, 40}};
    for (size_t index = 0; index < 5; index++) {
        struct tb_file *file = simple_process(files[index].pid);
        tb_header(file)->image_seq = files[index].image_seq;
        tb_header(file)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + files[index].start;
        assert_int_equal(tb_write_into(file, directory), 0);
        tb_free(file);
    }
    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(snag_trace_process_count(trace), 5);
    /* by start; equal starts by pid */
    static const int32_t pids[] = {300, 100, 200, 50, 100};
    static const uint64_t starts[] = {0, 10, 20, 30, 30};
    for (size_t index = 0; index < 5; index++) {
        const struct snag_process_info *process = snag_trace_process(trace, index);
        assert_int_equal(process->index, index);
        assert_int_equal(process->pid, pids[index]);
        assert_int_equal(process->start_ns, starts[index]);
    }
    assert_int_equal(snag_trace_process(trace, 4)->image_seq, 1);
    /* events and threads carry the process index */
    struct snag_event events[MAX_EVENTS];
    assert_int_equal(read_all(trace, events, MAX_EVENTS), 10);
    for (size_t index = 0; index < 10; index++) {
        const struct snag_process_info *process = snag_trace_process(trace, events[index].process);
        assert_int_equal(events[index].time_ns, process->start_ns + (events[index].op == SNAG_OP_ACQUIRE ? 10 : 20));
        assert_int_equal(snag_trace_thread(trace, events[index].thread)->process, events[index].process);
    }
    snag_trace_close(trace);
}

/* An image followed by a later, not forked, image of the same pid was
 * replaced by an exec; the launcher's word on that pid is about the last one. */
static void reader_marks_an_image_replaced_by_a_later_one_as_exec(void **state)
{
    const char *directory = *state;
    struct tb_file *first = simple_process(100); /* no exit status in its header */
    assert_int_equal(tb_write_into(first, directory), 0);
    tb_free(first);
    struct tb_file *second = simple_process(100);
    tb_header(second)->image_seq = 1;
    tb_header(second)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 100;
    assert_int_equal(tb_write_into(second, directory), 0);
    tb_free(second);
    struct snag_launcher_header launcher;
    tb_launcher_defaults(&launcher, 100);
    const struct snag_launcher_entry entry = {
        .pid = 100, .exit_kind = SNAG_EXIT_SIGNAL, .exit_value = 15, .end_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 900};
    assert_int_equal(tb_write_launcher(directory, &launcher, &entry, 1), 0);
    struct snag_trace *trace = open_ok(directory);
    const struct snag_process_info *old_image = process_with_pid(trace, 100, 0);
    const struct snag_process_info *new_image = process_with_pid(trace, 100, 1);
    assert_int_equal(old_image->exit_kind, SNAG_EXIT_EXEC);
    assert_int_equal(old_image->end_ns, 20);
    assert_int_equal(new_image->exit_kind, SNAG_EXIT_SIGNAL);
    assert_int_equal(new_image->exit_value, 15);
    assert_int_equal(new_image->end_ns, 900);
    snag_trace_close(trace);
}

static struct tb_file *forked_child(int32_t pid, int32_t parent, uint64_t start_offset_ns)
{
    struct tb_file *file = tb_begin(pid, parent);
    struct snag_file_header *header = tb_header(file);
    header->flags = SNAG_FILE_FOLLOWS_FORK;
    header->fork_parent_pid = parent;
    header->fork_parent_ticks = start_offset_ns;
    header->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + start_offset_ns;
    tb_add_thread(file, 1, 0, MAIN_SELF, pid, 1);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    return file;
}

static struct tb_file *parent_with_modules(int32_t pid)
{
    struct tb_file *file = tb_begin(pid, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, pid, 1);
    static const char *const argv[] = {"server", "--port=80"};
    tb_process_info(file, 1, 0, 2, argv, "/usr/sbin/server");
    static const uint8_t build_id[4] = {0xab, 0xcd, 0xef, 0x01};
    tb_module(file, 1, 0, 0x555555554000, 0x555555554000, 0x555555559000, build_id, 4, "/usr/sbin/server");
    tb_module(file, 1, 0, 0x7f0000000000, 0x7f0000001000, 0x7f0000200000, NULL, 0, "/lib/libc.so.6");
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    return file;
}

static void reader_inherits_parent_modules_for_forked_child(void **state)
{
    const char *directory = *state;
    struct tb_file *parent = parent_with_modules(100);
    assert_int_equal(tb_write_into(parent, directory), 0);
    tb_free(parent);
    struct tb_file *child = forked_child(101, 100, 500);
    /* its own dlopen */
    tb_module(child, 1, 20, 0x7f3000000000, 0x7f3000000000, 0x7f3000001000, NULL, 0, "/opt/late.so");
    assert_int_equal(tb_write_into(child, directory), 0);
    tb_free(child);
    struct tb_file *other = simple_process(102); /* not forked: inherits nothing */
    tb_header(other)->ppid = 100;
    tb_header(other)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + 600;
    assert_int_equal(tb_write_into(other, directory), 0);
    tb_free(other);

    struct snag_trace *trace = open_ok(directory);
    const struct snag_process_info *parent_info = process_with_pid(trace, 100, 0);
    const struct snag_process_info *child_info = process_with_pid(trace, 101, 0);
    const struct snag_process_info *other_info = process_with_pid(trace, 102, 0);
    assert_true(child_info->forked);
    assert_false(parent_info->forked);
    assert_int_equal(child_info->parent, parent_info->index);
    assert_int_equal(modules_of(trace, parent_info->index), 2);
    assert_int_equal(modules_of(trace, child_info->index), 3);
    assert_int_equal(modules_of(trace, other_info->index), 0);
    const struct snag_module_info *inherited = module_named(trace, child_info->index, "/usr/sbin/server");
    assert_non_null(inherited);
    assert_int_equal(inherited->base_address, 0x555555554000);
    assert_int_equal(inherited->build_id_size, 4);
    static const uint8_t build_id[4] = {0xab, 0xcd, 0xef, 0x01};
    assert_memory_equal(inherited->build_id, build_id, 4);
    assert_non_null(module_named(trace, child_info->index, "/lib/libc.so.6"));
    assert_non_null(module_named(trace, child_info->index, "/opt/late.so"));
    assert_null(module_named(trace, parent_info->index, "/opt/late.so"));
    /* argv too, until it execs */
    assert_int_equal(child_info->argc, 2);
    assert_string_equal(child_info->argv[0], "server");
    assert_string_equal(child_info->argv[1], "--port=80");
    assert_string_equal(child_info->exe, "/usr/sbin/server");
    assert_int_equal(other_info->argc, 0);
    assert_string_equal(other_info->exe, "");
    snag_trace_close(trace);
}

/* Regression: inherit_from_parents() only copies modules that were in the
 * trace before it started (module_count is read once), so a fork of a fork
 * gets none of the modules its parent inherited. */
static void reader_inherits_modules_through_a_chain_of_forks(void **state)
{
    const char *directory = *state;
    struct tb_file *file = parent_with_modules(100);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    file = forked_child(101, 100, 500);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    file = forked_child(102, 101, 900);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    struct snag_trace *trace = open_ok(directory);
    const struct snag_process_info *grandchild = process_with_pid(trace, 102, 0);
    assert_int_equal(grandchild->parent, process_with_pid(trace, 101, 0)->index);
    assert_int_equal(modules_of(trace, grandchild->index), 2);
    assert_non_null(module_named(trace, grandchild->index, "/usr/sbin/server"));
    assert_int_equal(grandchild->argc, 2);
    snag_trace_close(trace);
}

/* ------------------------------------------------------------- damaged files, at random */

/* A small trace with a bit of everything the reader parses. */

/* ---- stacks ---- */

static const uint64_t STACK_FRAMES[] = {SITE_1, SITE_2, SITE_3};

static void reader_gives_each_event_its_own_stack_and_none_to_reacquires(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_add_thread(file, 2, 0, WORKER_SELF, 101, 0);
    /* stack 7 written by the other thread, after its first reference */
    tb_record(file, 1, 10, SNAG_REC_STACK_REF, 7);
    tb_event(file, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_A, SITE_1);
    tb_variable(file, 2, 11, SNAG_REC_STACK, 7, STACK_FRAMES, sizeof STACK_FRAMES);
    /* id 9 holds the same frames (two threads raced): folded into 7 */
    tb_variable(file, 1, 12, SNAG_REC_STACK, 9, STACK_FRAMES, sizeof STACK_FRAMES);
    tb_variable(file, 1, 12, SNAG_REC_STACK, 11, STACK_FRAMES, 2 * sizeof STACK_FRAMES[0]);
    tb_record(file, 1, 20, SNAG_REC_STACK_REF, 9);
    tb_event_site_in_record(file, 1, 20, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_2); /* SITE between */
    tb_short(file, 1, 21, SNAG_REC_RELEASE_PREVIOUS);
    tb_short(file, 1, 22, SNAG_REC_REACQUIRE);                 /* repeats the acquisition, not its stack */
    tb_short(file, 1, 23, SNAG_REC_RELEASE_PREVIOUS);
    tb_record(file, 1, 30, SNAG_REC_STACK_REF, 11);
    tb_short(file, 1, 30, SNAG_REC_REACQUIRE);                 /* a short record cancels a reference */
    tb_event(file, 1, 31, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
    tb_record(file, 1, 40, SNAG_REC_STACK_REF, 42);            /* no STACK record: no stack */
    tb_event(file, 1, 40, SNAG_CLASS_THREAD, SNAG_OP_CREATE, WORKER_SELF, SITE_1);
    tb_record(file, 2, 50, SNAG_REC_STACK_REF, 11);
    tb_event(file, 2, 50, SNAG_CLASS_THREAD, SNAG_OP_WAIT, MAIN_SELF, SITE_2);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    struct snag_event events[16];
    size_t count = read_all(trace, events, 16);
    assert_int_equal(count, 9);
    uint32_t expected[] = {7, 7, 0, 0, 0, 0, 0, 0, 11};
    for (size_t index = 0; index < count; index++) assert_int_equal(events[index].stack, expected[index]);
    assert_int_equal(events[3].op, SNAG_OP_ACQUIRE); /* the REACQUIRE */
    const uint64_t *frames;
    assert_int_equal(snag_trace_stack(trace, 0, 7, &frames), 3);
    assert_memory_equal(frames, STACK_FRAMES, sizeof STACK_FRAMES);
    assert_int_equal(snag_trace_stack(trace, 0, 11, &frames), 2);
    assert_int_equal(snag_trace_stack(trace, 0, 42, &frames), 0);
    assert_null(frames);
    assert_int_equal(snag_trace_stack(trace, 1, 7, &frames), 0); /* ids are per process */
    snag_trace_close(trace);
}

static void reader_never_carries_a_stack_reference_into_the_next_chunk(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->chunk_size = 4096;
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_variable(file, 1, 1, SNAG_REC_STACK, 3, STACK_FRAMES, sizeof STACK_FRAMES);
    size_t chunks = tb_chunk_count(file);
    uint64_t ticks = 2;
    /* fill the chunk up to its last 16 bytes (an 8-byte release evens it out) */
    for (;;) {
        uint64_t used = (tb_next_offset(file, 1, 8) - TB_FIRST_CHUNK_OFFSET) % 4096;
        if (used == 4096 - 16) break;
        if (used == 4096 - 24) tb_short(file, 1, ticks++, SNAG_REC_RELEASE_PREVIOUS);
        else tb_event(file, 1, ticks++, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    }
    assert_int_equal(tb_chunk_count(file), chunks);
    tb_record(file, 1, ticks++, SNAG_REC_STACK_REF, 3); /* the last record of its chunk */
    tb_event(file, 1, ticks++, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_B, SITE_2); /* the next chunk */
    assert_true(tb_chunk_count(file) > chunks);
    struct snag_trace *trace = write_and_open(directory, file);
    struct snag_event events[MAX_EVENTS];
    size_t count = read_all(trace, events, MAX_EVENTS);
    assert_int_equal(events[count - 1].object, MUTEX_B);
    assert_int_equal(events[count - 1].stack, 0);
    snag_trace_close(trace);
}

static void reader_warns_about_corrupt_stack_records_and_keeps_the_first(void **state)
{
    const char *directory = *state;
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    tb_variable(file, 1, 1, SNAG_REC_STACK, 5, STACK_FRAMES, sizeof STACK_FRAMES);
    tb_variable(file, 1, 2, SNAG_REC_STACK, 0, STACK_FRAMES, sizeof STACK_FRAMES); /* id 0 */
    tb_variable(file, 1, 3, SNAG_REC_STACK, 6, NULL, 0);                           /* no frames */
    tb_variable(file, 1, 4, SNAG_REC_STACK, 5, STACK_FRAMES, 8);                   /* id used already */
    tb_record(file, 1, 5, SNAG_REC_STACK_REF, 6);
    tb_event(file, 1, 5, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_A, SITE_1);
    tb_record(file, 1, 6, SNAG_REC_STACK_REF, 5);
    tb_event(file, 1, 6, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    struct snag_trace *trace = write_and_open(directory, file);
    assert_int_equal(snag_trace_warning_count(trace), 3);
    for (size_t index = 0; index < 3; index++) assert_non_null(strstr(snag_trace_warning(trace, index), "stack"));
    struct snag_event events[4];
    assert_int_equal(read_all(trace, events, 4), 2);
    assert_int_equal(events[0].stack, 0);
    assert_int_equal(events[1].stack, 5);
    const uint64_t *frames;
    assert_int_equal(snag_trace_stack(trace, 0, 5, &frames), 3);
    snag_trace_close(trace);
}

static struct tb_file *fuzz_seed_file(void)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_header(file)->chunk_size = 4096;
    tb_header(file)->end_ticks = 5000;
    tb_add_thread(file, 1, 0, MAIN_SELF, 100, 1);
    static const char *const argv[] = {"prog", "-x"};
    tb_process_info(file, 1, 0, 2, argv, "/bin/prog");
    static const uint8_t build_id[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    tb_module(file, 1, 0, 0x555555554000, 0x555555554000, 0x555555559000, build_id, 8, "/bin/prog");
    tb_thread_name(file, 1, 1, MAIN_SELF, "main");
    tb_event(file, 1, 5, SNAG_CLASS_THREAD, SNAG_OP_CREATE, WORKER_SELF, SITE_1);
    tb_add_thread(file, 2, 6, WORKER_SELF, 101, 0);
    tb_event(file, 2, 6, SNAG_CLASS_THREAD, SNAG_OP_START, WORKER_SELF, SITE_2);
    for (uint64_t round = 0; round < 40; round++) {
        uint64_t base = 10 + round * 100;
        tb_event(file, 1, base, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
        tb_variable(file, 2, base + 5, SNAG_REC_STACK, (uint32_t)round + 1, STACK_FRAMES, sizeof STACK_FRAMES);
        tb_record(file, 2, base + 5, SNAG_REC_STACK_REF, round + 1);
        tb_event(file, 2, base + 5, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_A, SITE_2);
        tb_event(file, 1, base + 20, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_1);
        tb_event(file, 2, base + 25, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_2);
        tb_event(file, 2, base + 30, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, MUTEX_A, SITE_2);
        tb_event(file, 2, base + 31, SNAG_CLASS_COND, SNAG_OP_WAIT, MUTEX_B, SITE_3);
        tb_event_aux(file, 2, base + 60, SNAG_CLASS_COND, SNAG_OP_WAKE, MUTEX_B, 0);
        tb_event_site_in_record(file, 1, base + 50, SNAG_CLASS_COND, SNAG_OP_SIGNAL, MUTEX_B, SITE_3);
        tb_event(file, 1, base + 70, SNAG_CLASS_SEM, SNAG_OP_RELEASE, WIDE_OBJECT, SITE_1);
        tb_event(file, 1, base + 72, SNAG_CLASS_RWLOCK, SNAG_OP_ACQUIRE_SHARED, MUTEX_B + 64, SITE_2);
        tb_short(file, 1, base + 74, SNAG_REC_RELEASE_PREVIOUS);
        tb_short(file, 1, base + 76, SNAG_REC_REACQUIRE);
        tb_short(file, 1, base + 78, SNAG_REC_RELEASE_PREVIOUS);
    }
    tb_sem_name(file, 1, 4500, WIDE_OBJECT, "/sem");
    tb_thread_name(file, 2, 4600, WORKER_SELF, "worker");
    tb_event_aux(file, 2, 4700, SNAG_CLASS_THREAD, SNAG_OP_EXIT, WORKER_SELF, SNAG_THREAD_EXIT_RETURN);
    tb_event(file, 1, 4800, SNAG_CLASS_THREAD, SNAG_OP_WAIT, WORKER_SELF, SITE_1);
    tb_event_aux(file, 1, 4900, SNAG_CLASS_THREAD, SNAG_OP_ACQUIRE, WORKER_SELF, 0);
    return file;
}

/* Reads everything a consumer of the trace would. */
static void read_everything(const struct snag_trace *trace)
{
    uint64_t seen = 0, lock_events = 0;
    struct snag_event_cursor *cursor = snag_events_all(trace);
    assert_non_null(cursor);
    struct snag_event event;
    while (snag_event_next(cursor, &event)) {
        assert_true(event.thread < snag_trace_thread_count(trace));
        assert_true(event.process < snag_trace_process_count(trace));
        assert_true(event.object_class >= SNAG_CLASS_MUTEX && event.object_class <= SNAG_CLASS_THREAD);
        lock_events += event.object_class != SNAG_CLASS_THREAD;
        const uint64_t *frames;
        if (event.stack) assert_true(snag_trace_stack(trace, event.process, event.stack, &frames) > 0);
        seen++;
    }
    snag_event_cursor_free(cursor);
    assert_int_equal(seen, snag_trace_event_count(trace));
    uint64_t per_thread = 0;
    for (size_t thread = 0; thread < snag_trace_thread_count(trace); thread++) {
        const struct snag_thread_info *info = snag_trace_thread(trace, thread);
        assert_true(strlen(info->name) < 4096);
        cursor = snag_events_of_thread(trace, (uint32_t)thread);
        assert_non_null(cursor);
        uint64_t count = 0;
        while (snag_event_next(cursor, &event)) count++;
        snag_event_cursor_free(cursor);
        assert_int_equal(count, info->event_count);
        per_thread += count;
    }
    assert_int_equal(per_thread, seen);
    for (size_t index = 0; index < snag_trace_process_count(trace); index++) {
        const struct snag_process_info *process = snag_trace_process(trace, index);
        for (uint32_t arg = 0; arg < process->argc; arg++) assert_non_null(process->argv[arg]);
        assert_non_null(process->exe);
        assert_true(strlen(process->exe) < 1u << 20);
    }
    for (size_t index = 0; index < snag_trace_module_count(trace); index++) {
        const struct snag_module_info *module = snag_trace_module(trace, index);
        assert_true(strlen(module->path) < 1u << 16);
        if (module->build_id_size) assert_non_null(module->build_id);
    }
    for (size_t index = 0; index < snag_trace_warning_count(trace); index++) {
        const char *warning = snag_trace_warning(trace, index);
        assert_true(strlen(warning) > 0);
        assert_null(strchr(warning, '\n'));
    }
    snag_trace_semaphore_name(trace, 0, WIDE_OBJECT);
    (void)lock_events; /* traces without lock events too: they once hit qsort(NULL, 0) */
    struct snag_lockstats *stats = snag_lockstats_compute(trace);
    assert_non_null(stats);
    for (size_t index = 0; index < snag_lockstats_lock_count(stats); index++)
        assert_non_null(snag_lockstats_lock(stats, index));
    snag_lockstats_free(stats);
}

/* A child killed while blocked stops recording at its wait; it ended
 * when its parent's wait saw it gone, and so did its threads still
 * blocked. A child that exited by itself keeps its own end. */
static void reader_ends_a_killed_child_when_its_parent_reaped_it(void **state)
{
    const char *directory = *state;
    struct tb_file *parent = tb_begin(100, 1);
    tb_add_thread(parent, 1, 0, MAIN_SELF, 100, 1);
    tb_process_event(parent, 1, 400, SNAG_PROCESS_FORK, 101, 0, "");
    tb_process_event(parent, 1, 450, SNAG_PROCESS_FORK, 102, 0, "");
    tb_process_event(parent, 1, 4990, SNAG_PROCESS_WAIT, 101, 0, "");
    tb_process_event(parent, 1, 5000, SNAG_PROCESS_WAITED, 101, 9 /* SIGKILL */, "");
    tb_process_event(parent, 1, 6000, SNAG_PROCESS_WAITED, 102, 3 << 8, "");
    assert_int_equal(tb_write_into(parent, directory), 0);
    tb_free(parent);

    struct tb_file *killed = forked_child(101, 100, 500); /* acquires MUTEX_A at 510 */
    tb_add_thread(killed, 2, 15, WORKER_SELF, 201, 0);
    tb_event_aux(killed, 2, 30, SNAG_CLASS_THREAD, SNAG_OP_EXIT, WORKER_SELF, 0);
    tb_event(killed, 1, 40, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, MUTEX_B, SITE_2); /* for good */
    assert_int_equal(tb_write_into(killed, directory), 0);
    tb_free(killed);

    struct tb_file *exited = forked_child(102, 100, 500);
    tb_header(exited)->exit_kind = SNAG_EXIT_STATUS;
    tb_header(exited)->exit_value = 3;
    tb_header(exited)->end_ticks = 100;
    assert_int_equal(tb_write_into(exited, directory), 0);
    tb_free(exited);

    struct snag_trace *trace = open_ok(directory);
    const struct snag_process_info *process = process_with_pid(trace, 101, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_SIGNAL);
    assert_int_equal(process->exit_value, 9);
    assert_int_equal(process->end_ns, 5000);
    const struct snag_thread_info *blocked = thread_of(trace, process->index, 1);
    assert_int_equal(blocked->exit_how, -1);
    assert_int_equal(blocked->end_ns, 5000);
    const struct snag_thread_info *worker = thread_of(trace, process->index, 2);
    assert_int_equal(worker->end_ns, 530); /* its own exit */

    process = process_with_pid(trace, 102, 0);
    assert_int_equal(process->exit_kind, SNAG_EXIT_STATUS);
    assert_int_equal(process->exit_value, 3);
    assert_int_equal(process->end_ns, 600); /* a zombie until 6000, ended at 600 */
    assert_int_equal(thread_of(trace, process->index, 1)->end_ns, 600);
    snag_trace_close(trace);
}

/* A child process started at `start_ns` (not by a traced fork) that records one event. */
static void write_child(const char *directory, int32_t pid, int32_t ppid, uint64_t start_ns)
{
    struct tb_file *child = tb_begin(pid, ppid);
    tb_header(child)->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS + start_ns;
    tb_add_thread(child, 1, 0, MAIN_SELF, pid, 1);
    tb_event(child, 1, 10, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, MUTEX_A, SITE_1);
    assert_int_equal(tb_write_into(child, directory), 0);
    tb_free(child);
}

static const struct snag_process_event *process_event_at(const struct snag_trace *trace, uint32_t kind,
                                                         uint64_t time_ns)
{
    for (size_t index = 0; index < snag_trace_process_event_count(trace); index++) {
        const struct snag_process_event *event = snag_trace_process_event(trace, index);
        if (event->kind == kind && event->time_ns == time_ns) return event;
    }
    fail_msg("no process event of kind %u at %llu", kind, (unsigned long long)time_ns);
    return NULL;
}

/* system() records its shell with pid 0: the reader finds it (the caller's
 * first child image after the call that no fork or spawn names) and gives
 * it the status system() returned; two popen() calls outstanding at once
 * cannot be told apart and stay unresolved. */
static void reader_finds_the_shell_of_a_system_call(void **state)
{
    const char *directory = *state;
    struct tb_file *caller = tb_begin(100, 1);
    tb_add_thread(caller, 1, 0, MAIN_SELF, 100, 1);
    tb_process_event(caller, 1, 100, SNAG_PROCESS_SPAWN, 0, 0, "kill -9 $$");
    tb_process_event(caller, 1, 100, SNAG_PROCESS_WAIT, 0, 0, "");
    tb_process_event(caller, 1, 120, SNAG_PROCESS_SPAWN, 105, 0, "/bin/true"); /* by another thread, in reality */
    tb_process_event(caller, 1, 900, SNAG_PROCESS_WAITED, 0, 9, "");
    tb_process_event(caller, 1, 1000, SNAG_PROCESS_SPAWN, 0, 0, "first popen");
    tb_process_event(caller, 1, 1100, SNAG_PROCESS_SPAWN, 0, 0, "second popen");
    tb_header(caller)->end_ticks = 2000;
    assert_int_equal(tb_write_into(caller, directory), 0);
    tb_free(caller);
    write_child(directory, 105, 100, 130); /* the posix_spawn'd one: named, not the shell */
    write_child(directory, 101, 100, 200); /* the shell, killed: its file says nothing of its end */
    write_child(directory, 102, 100, 1200);
    write_child(directory, 103, 100, 1300);

    struct snag_trace *trace = open_ok(directory);
    assert_int_equal(process_event_at(trace, SNAG_PROCESS_SPAWN, 100)->pid, 101);
    assert_int_equal(process_event_at(trace, SNAG_PROCESS_WAIT, 100)->pid, 101);
    assert_int_equal(process_event_at(trace, SNAG_PROCESS_WAITED, 900)->pid, 101);
    const struct snag_process_info *shell = process_with_pid(trace, 101, 0);
    assert_int_equal(shell->exit_kind, SNAG_EXIT_SIGNAL);
    assert_int_equal(shell->exit_value, 9);
    assert_int_equal(shell->end_ns, 900);
    assert_int_equal(process_with_pid(trace, 105, 0)->exit_kind, SNAG_EXIT_UNKNOWN);
    assert_int_equal(process_event_at(trace, SNAG_PROCESS_SPAWN, 1000)->pid, 0);
    assert_int_equal(process_event_at(trace, SNAG_PROCESS_SPAWN, 1100)->pid, 0);
    snag_trace_close(trace);
}

static void reader_survives_thousands_of_damaged_files(void **state)
{
    const char *directory = *state;
    struct tb_file *file = fuzz_seed_file();
    size_t size;
    uint8_t *original = tb_image(file, &size);
    size_t chunk_bytes = tb_chunk_count(file) * 4096;
    tb_free(file);
    assert_true(chunk_bytes >= 3 * 4096);
    char *path = tb_join(directory, "100.snag");

    /* the undamaged file reads */
    assert_int_equal(tb_write_bytes(path, original, size), 0);
    struct snag_trace *trace = open_ok(path);
    assert_int_equal(snag_trace_warning_count(trace), 0);
    read_everything(trace);
    snag_trace_close(trace);

    uint8_t *damaged = malloc(size);
    assert_non_null(damaged);
    uint64_t seed = UINT64_C(0x5eed5eed12345678);
    unsigned opened = 0, refused = 0;
    for (unsigned variant = 0; variant < 3000; variant++) {
        memcpy(damaged, original, size);
        size_t length = size;
        unsigned kind = (unsigned)(next_random(&seed) % 8);
        unsigned edits = 1 + (unsigned)(next_random(&seed) % 4);
        for (unsigned edit = 0; edit < edits; edit++) {
            /* where: the header, the used part of the site table, or the chunks */
            size_t where;
            unsigned region = (unsigned)(next_random(&seed) % 8);
            if (region < 2) where = next_random(&seed) % sizeof(struct snag_file_header);
            else if (region == 2) where = TB_SITE_TABLE_OFFSET + next_random(&seed) % 64;
            else if (region == 3) where = next_random(&seed) % size;
            else where = TB_FIRST_CHUNK_OFFSET + next_random(&seed) % chunk_bytes;
            if (kind < 4) {
                damaged[where] ^= (uint8_t)(1u << (next_random(&seed) % 8)); /* flip a bit */
            } else if (kind < 6) {
                damaged[where] = (uint8_t)next_random(&seed); /* a random byte */
            } else if (kind == 6) {
                /* an extreme 64-bit word at an aligned place */
                static const uint64_t extremes[] = {0, UINT64_MAX, UINT64_C(0x8000000000000000), 0xffffffff,
                                                    0x100000000, 16, 8, 4096};
                size_t aligned = where & ~(size_t)7;
                if (aligned + 8 <= size) {
                    uint64_t value = extremes[next_random(&seed) % (sizeof extremes / sizeof *extremes)];
                    if (next_random(&seed) % 2) value = next_random(&seed);
                    memcpy(damaged + aligned, &value, 8);
                }
            }
        }
        if (kind == 7 || next_random(&seed) % 16 == 0) length = next_random(&seed) % (size + 1); /* truncate */
        assert_int_equal(tb_write_bytes(path, damaged, length), 0);
        char error[512] = "";
        trace = snag_trace_open(path, error, sizeof error);
        if (!trace) {
            if (strlen(error) == 0 || strchr(error, '\n'))
                fail_msg("variant %u: refused with a bad error message \"%s\"", variant, error);
            assert_non_null(strstr(error, path));
            refused++;
            continue;
        }
        read_everything(trace);
        snag_trace_close(trace);
        opened++;
    }
    print_message("damaged files: %u opened and read, %u refused\n", opened, refused);
    /* both outcomes must have happened, or the damage was not varied enough */
    assert_true(opened > 300);
    assert_true(refused > 300);
    free(damaged);
    free(original);
    free(path);
}

int main(void)
{
#define TEST(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        TEST(reader_orders_events_of_two_threads_by_time),
        TEST(reader_breaks_time_ties_by_thread),
        TEST(reader_reads_each_thread_across_its_chunks_in_sequence_order),
        TEST(reader_reads_a_chunk_left_in_two_copies_once),
        TEST(reader_warns_of_a_gap_in_a_threads_chunks),
        TEST(reader_resolves_call_site_ids_through_the_site_table),
        TEST(reader_uses_spelled_out_site_when_table_overflowed),
        TEST(reader_restores_full_object_address_from_object_record),
        TEST(reader_reports_aux_instead_of_site_for_failed_wake_attribute_and_exit),
        TEST(reader_stops_a_chunk_at_a_torn_record),
        TEST(reader_skips_unknown_fixed_and_variable_record_types),
        TEST(reader_expands_release_previous_into_a_release_of_the_lock_just_acquired),
        TEST(reader_expands_reacquire_into_the_last_acquisition_of_the_chunk),
        TEST(reader_expands_reacquire_release_into_an_acquisition_and_its_release),
        TEST(reader_stops_a_chunk_at_a_reacquire_release_without_acquisition),
        TEST(reader_saturates_times_beyond_the_clock_range_instead_of_wrapping),
        TEST(reader_gives_reacquire_the_call_site_of_the_acquisition_it_repeats),
        TEST(reader_stops_a_chunk_at_a_short_record_with_nothing_to_refer_to),
        TEST(reader_converts_ticks_with_the_file_clock),
        TEST(reader_puts_processes_on_one_timeline),
        TEST(reader_rejects_newer_format_version_with_message_naming_file),
        TEST(reader_rejects_format_version_zero),
        TEST(reader_rejects_garbage_file),
        TEST(reader_rejects_file_without_magic),
        TEST(reader_rejects_truncated_header),
        TEST(reader_rejects_corrupt_header_fields),
        TEST(reader_rejects_site_table_that_wraps_around),
        TEST(reader_rejects_corrupt_chunk_header),
        TEST(reader_skips_a_chunk_that_was_never_written),
        TEST(reader_warns_when_header_counts_more_chunks_than_file_holds),
        TEST(reader_reads_a_partial_last_chunk),
        TEST(reader_drops_rest_of_chunk_at_variable_record_with_bad_length),
        TEST(reader_accepts_variable_record_ending_at_chunk_end),
        TEST(reader_reports_error_for_empty_directory),
        TEST(reader_reports_error_for_missing_path),
        TEST(reader_opens_a_single_process_file),
        TEST(reader_ignores_files_not_named_like_process_files),
        TEST(reader_skips_empty_process_files_next_to_others),
        TEST(reader_reports_threads_from_thread_info_and_thread_records),
        TEST(reader_names_threads_from_thread_name_records),
        TEST(reader_names_a_thread_after_its_latest_name_in_time),
        TEST(reader_collects_modules_and_process_argv),
        TEST(reader_ignores_module_and_process_records_with_bad_sizes),
        TEST(reader_reports_header_exit_status_and_dropped_records),
        TEST(reader_applies_launcher_exit_status),
        TEST(reader_starts_trace_at_launcher_start),
        TEST(reader_prefers_launcher_tick_rate_on_the_same_clock),
        TEST(reader_rejects_bad_launcher_file),
        TEST(reader_reads_only_launcher_entries_the_file_holds),
        TEST(reader_links_processes_to_their_parents),
        TEST(reader_orders_processes_by_start),
        TEST(reader_marks_an_image_replaced_by_a_later_one_as_exec),
        TEST(reader_inherits_parent_modules_for_forked_child),
        TEST(reader_inherits_modules_through_a_chain_of_forks),
        TEST(reader_ends_a_killed_child_when_its_parent_reaped_it),
        TEST(reader_finds_the_shell_of_a_system_call),
        TEST(reader_gives_each_event_its_own_stack_and_none_to_reacquires),
        TEST(reader_never_carries_a_stack_reference_into_the_next_chunk),
        TEST(reader_warns_about_corrupt_stack_records_and_keeps_the_first),
        TEST(reader_survives_thousands_of_damaged_files),
    };
#undef TEST
    return cmocka_run_group_tests(tests, NULL, NULL);
}
