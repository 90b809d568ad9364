/* check_opencl_trace: reads a trace through the reader library and checks every OpenCL device command of it. */
/*
 * usage: check_opencl_trace TRACE
 *
 * For every command: it has device times (profiled), QUEUED <= SUBMIT <=
 * START <= END, START < END for kernels, it lies inside its process's run
 * on the host time base, its QUEUED time is not before its enqueueing
 * call began (allowing the clock calibration's uncertainty), and it is
 * linked to the call that enqueued it. Prints a summary line
 * ("commands N kernels K linked N") and one line per problem; exits 1 on
 * any problem, 2 when the trace cannot be read.
 */
#include <inttypes.h>
#include <stdio.h>

#include "snag/opencl.h"
#include "snag/reader.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TRACE\n", argv[0]);
        return 2;
    }
    char error[1024];
    struct snag_trace *trace = snag_trace_open(argv[1], error, sizeof error);
    if (!trace) {
        fprintf(stderr, "%s\n", error);
        return 2;
    }
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    size_t problems = 0, kernels = 0, linked = 0;
    for (size_t index = 0; index < snag_opencl_command_count(log); index++) {
        const struct snag_opencl_command *command = snag_opencl_command(log, index);
        const struct snag_process_info *process = snag_trace_process(trace, command->process);
        const struct snag_opencl_call *call = command->call != SNAG_NO_INDEX ? snag_opencl_call(log, command->call) : NULL;
        const struct snag_opencl_clock *clock = NULL;
        if (command->queue != SNAG_NO_INDEX) {
            uint32_t clock_index = snag_opencl_queue(log, command->queue)->clock;
            if (clock_index != SNAG_NO_INDEX) clock = snag_opencl_clock(log, clock_index);
        }
        uint64_t slack = clock ? clock->uncertainty_ns : 0;
        const char *problem = NULL;
        if (!command->profiled) problem = "no device times";
        else if (!call) problem = "not linked to its enqueueing call";
        else if (!(command->queued_ns <= command->submit_ns && command->submit_ns <= command->start_ns &&
                   command->start_ns <= command->end_ns))
            problem = "times out of order (queued <= submit <= start <= end)";
        else if (command->start_ns < process->start_ns || command->end_ns > process->end_ns)
            problem = "outside its process's run";
        else if (command->queued_ns + slack < call->start_ns)
            problem = "queued before its enqueue call began";
        else if (command->status != 0)
            problem = "ended with an error";
        if (call) linked++;
        if (call && snag_opencl_is_kernel_launch(call->function)) {
            kernels++;
            if (!problem && command->start_ns >= command->end_ns) problem = "a kernel that took no device time";
        }
        if (problem) {
            problems++;
            printf("command %zu (%s): %s: queued %" PRIu64 " submit %" PRIu64 " start %" PRIu64 " end %" PRIu64
                   ", process %" PRIu64 "..%" PRIu64 ", call %" PRIu64 "..%" PRIu64 "\n",
                   index, call ? snag_opencl_function_name(call->function) : "?", problem, command->queued_ns,
                   command->submit_ns, command->start_ns, command->end_ns, process->start_ns, process->end_ns,
                   call ? call->start_ns : 0, call ? call->end_ns : 0);
        }
    }
    printf("commands %zu kernels %zu linked %zu\n", snag_opencl_command_count(log), kernels, linked);
    snag_trace_close(trace);
    return problems ? 1 : 0;
}
