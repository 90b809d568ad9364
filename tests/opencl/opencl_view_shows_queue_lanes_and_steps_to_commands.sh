#!/bin/sh
# snag view on opencl_vector_add (2 writes, 5 kernel launches, 1 blocking
# read on one queue, run on PoCL): the queue has its own lane under the
# program's process, after its threads, showing kernels (K) and transfers
# (T); stepping on it (e) lands on each device command's exact start and
# end, as snag export reports them; the details screen lists its 8
# commands; the main thread's blocking read is found by w and described in
# the panel as a wait for the device.
. "$(dirname "$0")/opencl_lib.sh"
# shellcheck source=../viewer/view_dump_lib.sh
. "$(dirname "$0")/../viewer/view_dump_lib.sh"

opencl_require "$SAMPLES/opencl_vector_add"
snag_run_ok trace "$SAMPLES/opencl_vector_add" 5 262144
with_timeout 60 "$SNAG" export --format=chrome -o export.json trace 2>export.err ||
    fail "snag export failed: $(head -c 2000 export.err)"

# Device commands from the export: microseconds with 3 decimals, so exact nanoseconds.
ns() { awk -v us="$1" 'BEGIN { printf "%.0f\n", us * 1000 }'; }
command_field()
{
    jqr export.json "[.traceEvents[] | select(.ph == \"X\" and .pid > 4194304 and .cat == \"opencl\")] | sort_by(.ts) | .[$1].$2"
}
assert_eq "device commands in the export" 8 \
    "$(jqr export.json '[.traceEvents[] | select(.ph == "X" and .pid > 4194304 and .cat == "opencl")] | length')"
first_start=$(ns "$(command_field 0 ts)")
first_end=$((first_start + $(ns "$(command_field 0 dur)")))
second_start=$(ns "$(command_field 1 ts)")

# The timeline: the queue's lane after the main thread's, under the same process line.
view_dump screen.txt --size 160x40 trace
assert_file_has screen.txt "1 OpenCL queue" "the title counts the queue"
queue_line=$(grep -n '^ queue 1 ' screen.txt | head -n 1 | cut -d: -f1)
[ -n "$queue_line" ] || fail "no lane 'queue 1 DEVICE' on the timeline: $(cat screen.txt)"
process_line=$(grep -n "opencl_vector_add" screen.txt | grep 'pid ' | head -n 1 | cut -d: -f1)
[ -n "$process_line" ] || fail "no line for the program's process: $(cat screen.txt)"
assert_int -lt "process line before the queue's lane" "$process_line" "$queue_line"
between=$(sed -n "$((process_line + 1)),$((queue_line - 1))p" screen.txt | grep -c 'pid ')
assert_eq "no other process line between the process and its queue" 0 "$between"
# its cells: the last 60 columns before the panel's border (the label, a device name, comes first)
lane=$(sed -n "${queue_line}p" screen.txt | sed 's/|.*//' | rev | cut -c1-60 | rev)
case $lane in *K*) ;; *) fail "the queue's lane shows no kernel (K): '$lane'" ;; esac
case $lane in *T*) ;; *) fail "the queue's lane shows no transfer (T): '$lane'" ;; esac
case $lane in *[-=#~:^.@]*) fail "the queue's lane shows a thread's state: '$lane'" ;; esac
assert_file_has screen.txt "K kernel" "the legend names the queue states"

# Stepping on the queue: its first command's start, its end, the next start.
view_dump step1.txt --size 160x40 --keys '/queue<Enter>e' trace
assert_eq "selected lane after /queue" "queue 1" "$(selected_row step1.txt | cut -c2-8)"
assert_eq "e on the queue: the first command's start" "$first_start" "$(cursor_ns step1.txt)"
assert_file_has step1.txt "write 1048576 B" "the panel names the command running"
assert_file_has step1.txt "device: transferring data" "the panel gives the queue's state"
view_dump step2.txt --size 160x40 --keys '/queue<Enter>ee' trace
assert_eq "ee: the first command's end" "$first_end" "$(cursor_ns step2.txt)"
view_dump step3.txt --size 160x40 --keys '/queue<Enter>eee' trace
assert_eq "eee: the second command's start" "$second_start" "$(cursor_ns step3.txt)"
view_dump back.txt --size 160x40 --keys '/queue<Enter>eeeE' trace
assert_eq "eeeE: back to the first command's end" "$first_end" "$(cursor_ns back.txt)"

# Details of the queue: its 8 commands, 5 of them the kernel.
view_dump details.txt --size 160x40 --keys '/queue<Enter>e<Enter>' trace
assert_file_has details.txt "8 commands" "the details' heading"
assert_eq "kernel rows in the details" 5 "$(grep -c ' vector_add ' details.txt)"
assert_file_has details.txt "read 1048576 B" "the read in the details"
assert_file_has details.txt "clEnqueueNDRangeKernel" "who enqueued the kernels"

# The main thread's blocking read: w from just before it lands on its start.
main_tid=$(jqr export.json '[.traceEvents[] | select(.ph == "X" and .name == "wait: device (clEnqueueReadBuffer)")][0].tid')
read_start=$(ns "$(jqr export.json '[.traceEvents[] | select(.ph == "X" and .name == "wait: device (clEnqueueReadBuffer)")][0].ts')")
[ -n "$main_tid" ] && [ "$main_tid" != null ] || fail "no blocking read in the export"
view_dump wait.txt --size 160x40 --at $((read_start - 1)) --keys "/$main_tid<Enter>w" trace
assert_eq "w on the main thread: the blocking read's start" "$read_start" "$(cursor_ns wait.txt)"
assert_file_has wait.txt "in clEnqueueReadBuffer on queue 1, waiting for" "the panel on the main thread (the line wraps there)"
assert_file_has wait.txt "in an OpenCL call" "the main thread's state"
