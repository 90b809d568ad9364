/* Unit tests of the OpenCL log (libtrace/reader/opencl.c) and its
 * statistics (opencl_stats.c), on synthetic traces written with the trace
 * builder: commands linked to their calls, device clocks mapped onto the
 * host's time base, damaged records skipped, leaked events counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "snag/opencl_stats.h"
#include "trace_builder.h"

#define QUEUE UINT64_C(0x5555a0000100)
#define DEVICE UINT64_C(0x5555a0000200)
#define KERNEL UINT64_C(0x5555a0000300)
#define PROGRAM UINT64_C(0x5555a0000400)
#define BUFFER UINT64_C(0x5555a0000500)
#define EVENT UINT64_C(0x5555a0000600)
#define DEVICE_OFFSET INT64_C(5000000) /* the device clock runs 5 ms ahead of CLOCK_MONOTONIC */
#define CL_COMMAND_NDRANGE_KERNEL_TYPE 0x11F0u
#define CL_COMMAND_READ_BUFFER_TYPE 0x11F3u

static uint64_t device_ns(uint64_t trace_ns)
{
    return TB_ANCHOR_MONOTONIC_NS + trace_ns + (uint64_t)DEVICE_OFFSET;
}

static void call(struct tb_file *file, uint64_t start, uint64_t end, const struct snag_opencl_call_record *fields)
{
    struct snag_opencl_call_record record = *fields;
    record.end_ticks = end;
    tb_variable(file, 1, start, SNAG_REC_OPENCL_CALL, 0, &record, sizeof record);
}

/* A command queued at host time `queued`, run from `start` to `end`, written by a runtime thread (2). */
static void command(struct tb_file *file, uint64_t id, uint32_t type, uint64_t queued, uint64_t start, uint64_t end)
{
    struct snag_opencl_command_record record = {
        .command = id, .queue = QUEUE, .queued_ns = device_ns(queued), .submit_ns = device_ns(queued + 1),
        .start_ns = device_ns(start), .end_ns = device_ns(end), .command_type = type};
    tb_variable(file, 2, end + 5, SNAG_REC_OPENCL_COMMAND, 0, &record, sizeof record);
}

/* Process 100: a queue, a kernel, 2 launches and a blocking read, on a
 * device without a host timer (the offset is measured). */
static struct snag_trace *open_pipeline(const char *directory)
{
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, 0x7f0000000100, 100, 1);
    tb_add_thread(file, 2, 0, 0x7f0000000200, 101, 0);
    tb_opencl_object(file, 1, 10, SNAG_OPENCL_QUEUE, QUEUE, DEVICE, "test device");
    struct snag_opencl_clock_record clock = {.device = DEVICE, .method = SNAG_OPENCL_CLOCK_MEASURED};
    tb_variable(file, 1, 11, SNAG_REC_OPENCL_CLOCK, 0, &clock, sizeof clock);
    tb_opencl_object(file, 1, 20, SNAG_OPENCL_KERNEL, KERNEL, PROGRAM, "saxpy");
    call(file, 1000, 2000, &(struct snag_opencl_call_record){.function = SNAG_CL_ENQUEUE_NDRANGE_KERNEL,
                                                             .queue = QUEUE, .object = KERNEL, .command = 1,
                                                             .work_dim = 1, .global_size = {1024}});
    command(file, 1, CL_COMMAND_NDRANGE_KERNEL_TYPE, 1500, 2500, 4500);
    call(file, 3000, 3100, &(struct snag_opencl_call_record){.function = SNAG_CL_ENQUEUE_NDRANGE_KERNEL,
                                                             .queue = QUEUE, .object = KERNEL, .command = 2});
    command(file, 2, CL_COMMAND_NDRANGE_KERNEL_TYPE, 3050, 4500, 5500);
    call(file, 3200, 6000, &(struct snag_opencl_call_record){.function = SNAG_CL_ENQUEUE_READ_BUFFER, .queue = QUEUE,
                                                             .object = BUFFER, .bytes = 4096, .command = 3,
                                                             .flags = SNAG_OPENCL_BLOCKING | SNAG_OPENCL_WAITS});
    command(file, 3, CL_COMMAND_READ_BUFFER_TYPE, 3250, 5500, 5900);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    assert_non_null(trace);
    return trace;
}

static void commands_land_on_the_host_time_base_with_a_measured_offset(void **state)
{
    (void)state;
    char *directory = tb_temp_dir();
    struct snag_trace *trace = open_pipeline(directory);
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    assert_int_equal(snag_opencl_clock_count(log), 1);
    const struct snag_opencl_clock *clock = snag_opencl_clock(log, 0);
    assert_int_equal(clock->method, SNAG_OPENCL_CLOCK_MEASURED);
    assert_int_equal(clock->samples, 3);
    /* the second call's 100 ns bound it to +- 50 ns around the true offset */
    assert_true(clock->offset_ns >= DEVICE_OFFSET - 50 && clock->offset_ns <= DEVICE_OFFSET + 50);
    assert_int_equal(snag_opencl_command_count(log), 3);
    const struct snag_opencl_command *first = snag_opencl_command(log, 0);
    assert_true(first->profiled);
    assert_string_equal(first->kernel, "saxpy");
    assert_int_equal(first->start_ns - first->queued_ns, 1000);
    assert_true(first->start_ns >= 2450 && first->start_ns <= 2550);
    const struct snag_opencl_call *launch = snag_opencl_call(log, first->call);
    assert_int_equal(launch->function, SNAG_CL_ENQUEUE_NDRANGE_KERNEL);
    assert_int_equal(launch->start_ns, 1000);
    assert_int_equal(launch->command, 0);
    assert_int_equal(launch->global_size[0], 1024);
    snag_trace_close(trace);
    tb_remove_tree(directory);
    free(directory);
}

static void statistics_count_kernels_transfers_waits_and_utilisation(void **state)
{
    (void)state;
    char *directory = tb_temp_dir();
    struct snag_trace *trace = open_pipeline(directory);
    struct snag_opencl_stats *stats = snag_opencl_stats_compute(trace);
    assert_non_null(stats);
    assert_int_equal(snag_opencl_stats_kernel_count(stats), 1);
    const struct snag_opencl_kernel_stats *kernel = snag_opencl_stats_kernel(stats, 0);
    assert_string_equal(kernel->name, "saxpy");
    assert_int_equal(kernel->launches, 2);
    assert_int_equal(kernel->device_ns_total, 3000);
    assert_int_equal(kernel->device_ns_max, 2000);
    const struct snag_opencl_transfer_stats *read = snag_opencl_stats_transfer(stats, 0);
    assert_string_equal(read->kind, "read");
    assert_int_equal(read->count, 1);
    assert_int_equal(read->bytes, 4096);
    assert_int_equal(read->device_ns_total, 400);
    assert_int_equal(snag_opencl_stats_thread_count(stats), 1);
    const struct snag_opencl_thread_stats *thread = snag_opencl_stats_thread(stats, 0);
    assert_int_equal(thread->waits, 1);
    assert_int_equal(thread->blocked_ns, 2800);
    /* queue row, then device row: busy from 2500 to 5900 without a gap */
    assert_int_equal(snag_opencl_stats_busy_count(stats), 2);
    const struct snag_opencl_busy_stats *busy = snag_opencl_stats_busy(stats, 0);
    assert_int_equal(busy->commands, 3);
    assert_true(busy->busy_ns >= 3300 && busy->busy_ns <= 3500);
    assert_int_equal(busy->host_idle_ns, 0);
    snag_opencl_stats_free(stats);
    snag_trace_close(trace);
    tb_remove_tree(directory);
    free(directory);
}

static void a_device_timer_gives_the_offset(void **state)
{
    (void)state;
    char *directory = tb_temp_dir();
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, 0x7f0000000100, 100, 1);
    tb_opencl_object(file, 1, 10, SNAG_OPENCL_QUEUE, QUEUE, DEVICE, "timed device");
    struct snag_opencl_clock_record clock = {.device = DEVICE, .method = SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER,
                                             .device_ns = device_ns(150), .host_ticks_before = 100,
                                             .host_ticks_after = 200};
    tb_variable(file, 1, 11, SNAG_REC_OPENCL_CLOCK, 0, &clock, sizeof clock);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    assert_non_null(trace);
    const struct snag_opencl_clock *read = snag_opencl_clock(snag_trace_opencl(trace), 0);
    assert_non_null(read);
    assert_int_equal(read->method, SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER);
    assert_int_equal(read->offset_ns, DEVICE_OFFSET);
    assert_int_equal(read->uncertainty_ns, 50);
    snag_trace_close(trace);
    tb_remove_tree(directory);
    free(directory);
}

static void short_records_are_skipped_and_the_rest_is_read(void **state)
{
    (void)state;
    char *directory = tb_temp_dir();
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, 0x7f0000000100, 100, 1);
    uint64_t junk[3] = {1, 2, 3};
    for (uint8_t type = SNAG_REC_OPENCL_FIRST; type <= SNAG_REC_OPENCL_LAST; type++)
        tb_variable(file, 1, 5, type, 0, junk, sizeof junk); /* too short for any OpenCL struct */
    call(file, 100, 200, &(struct snag_opencl_call_record){.function = SNAG_CL_FINISH, .queue = QUEUE,
                                                           .flags = SNAG_OPENCL_WAITS});
    /* a command whose call was lost, on a queue never described */
    command(file, 77, CL_COMMAND_READ_BUFFER_TYPE, 300, 400, 500);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    assert_non_null(trace);
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    assert_int_equal(snag_opencl_call_count(log), 1);
    assert_int_equal(snag_opencl_command_count(log), 1);
    assert_int_equal(snag_opencl_command(log, 0)->call, SNAG_NO_INDEX);
    assert_false(snag_opencl_command(log, 0)->profiled); /* no clock to place it with */
    struct snag_opencl_stats *stats = snag_opencl_stats_compute(trace);
    assert_non_null(stats);
    snag_opencl_stats_free(stats);
    snag_trace_close(trace);
    tb_remove_tree(directory);
    free(directory);
}

static void events_never_released_are_leaks_and_reused_handles_are_not(void **state)
{
    (void)state;
    char *directory = tb_temp_dir();
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, 0x7f0000000100, 100, 1);
    struct snag_opencl_call_record enqueue = {.function = SNAG_CL_ENQUEUE_MARKER_WITH_WAIT_LIST, .queue = QUEUE,
                                              .event = EVENT, .flags = SNAG_OPENCL_PROGRAM_EVENT};
    struct snag_opencl_call_record release = {.function = SNAG_CL_RELEASE_EVENT, .event = EVENT};
    struct snag_opencl_call_record retain = {.function = SNAG_CL_RETAIN_EVENT, .event = EVENT};
    call(file, 100, 110, &enqueue); /* got, released: no leak */
    call(file, 120, 130, &release);
    call(file, 200, 210, &enqueue); /* the same handle again, retained, released once: a leak */
    call(file, 220, 230, &retain);
    call(file, 240, 250, &release);
    enqueue.event = EVENT + 0x100;   /* another one never released: a leak */
    call(file, 300, 310, &enqueue);
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    assert_non_null(trace);
    struct snag_opencl_stats *stats = snag_opencl_stats_compute(trace);
    assert_non_null(stats);
    assert_int_equal(snag_opencl_stats_finding_count(stats), 1);
    const struct snag_opencl_finding *finding = snag_opencl_stats_finding(stats, 0);
    assert_string_equal(finding->subkind, "event_leaked");
    assert_int_equal(finding->occurrences, 2);
    snag_opencl_stats_free(stats);
    snag_trace_close(trace);
    tb_remove_tree(directory);
    free(directory);
}

/* Records of the right sizes filled with noise: read without a crash or an
 * undefined operation (the sanitizer build runs this too). */
static void noise_in_opencl_records_is_read_safely(void **state)
{
    (void)state;
    char *directory = tb_temp_dir();
    struct tb_file *file = tb_begin(100, 1);
    tb_add_thread(file, 1, 0, 0x7f0000000100, 100, 1);
    uint64_t seed = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t noise[24];
    for (int record = 0; record < 400; record++) {
        for (size_t word = 0; word < 24; word++) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            noise[word] = record % 3 ? seed : seed % 4096; /* some small values, so handles and ids meet */
        }
        uint8_t type = (uint8_t)(SNAG_REC_OPENCL_FIRST + record % 4);
        tb_variable(file, 1, 10 + (uint64_t)record, type, 0, noise, sizeof noise);
    }
    assert_int_equal(tb_write_into(file, directory), 0);
    tb_free(file);
    char error[512];
    struct snag_trace *trace = snag_trace_open(directory, error, sizeof error);
    assert_non_null(trace);
    struct snag_opencl_stats *stats = snag_opencl_stats_compute(trace);
    assert_non_null(stats);
    char message[1024];
    for (size_t index = 0; index < snag_opencl_stats_finding_count(stats); index++)
        snag_opencl_finding_message(trace, snag_opencl_stats_finding(stats, index), "", message, sizeof message);
    snag_opencl_stats_free(stats);
    snag_trace_close(trace);
    tb_remove_tree(directory);
    free(directory);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(commands_land_on_the_host_time_base_with_a_measured_offset),
        cmocka_unit_test(statistics_count_kernels_transfers_waits_and_utilisation),
        cmocka_unit_test(a_device_timer_gives_the_offset),
        cmocka_unit_test(short_records_are_skipped_and_the_rest_is_read),
        cmocka_unit_test(events_never_released_are_leaks_and_reused_handles_are_not),
        cmocka_unit_test(noise_in_opencl_records_is_read_safely),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
