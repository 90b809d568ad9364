#!/bin/sh
# A thread per task: 2000 threads, one after the other, each taking one lock
# once. Every thread and acquisition is in the trace, and the trace does not
# keep a 64 KiB chunk of disk per thread: a thread that ends hands its
# staging chunk to the next one, and copies out only what it wrote.
. "$(dirname "$0")/lib.sh"

cat >thread_per_task.c <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t task_lock = PTHREAD_MUTEX_INITIALIZER;
static long done;

static void *task(void *argument)
{
    (void)argument;
    pthread_mutex_lock(&task_lock);
    done++;
    pthread_mutex_unlock(&task_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    long tasks = argc > 1 ? atol(argv[1]) : 2000;
    for (long index = 0; index < tasks; index++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, task, NULL) != 0 || pthread_join(thread, NULL) != 0) return 1;
    }
    printf("done=%ld\n", done);
    return 0;
}
C
"$CC_BIN" -O2 -o thread_per_task thread_per_task.c -pthread >cc.log 2>&1 ||
    fail "cannot compile thread_per_task.c: $(cat cc.log)"

snag_run_ok trace ./thread_per_task 2000
assert_eq "thread_per_task stdout under snag" "done=2000" "$(cat run.out)"

with_timeout 60 "$SNAG" report --json --all trace >report.json 2>report.err
status=$?
assert_eq "snag report: exit status (stderr: $(head -c 1000 report.err))" 0 "$status"
[ ! -s report.err ] || fail "snag report warned about the trace: $(head -c 1000 report.err)"
assert_eq "task_lock acquisitions" 2000 "$(lock_field report.json task_lock acquisitions)"
assert_eq "threads in the trace (main and 2000 tasks)" 2001 "$(jqr report.json '.processes[0].threads | length')"
assert_eq "task threads with one acquisition each" 2000 \
    "$(jqr report.json '[.processes[0].threads[] | select(.main == 0 and .acquisitions == 1)] | length')"

# One 64 KiB chunk per thread would be 125 MiB; what the threads wrote is a
# few hundred bytes each (file-system blocks round it up).
kib=$(du -sk trace | cut -f1)
assert_int -lt "disk used by the trace of 2000 short threads, KiB" "$kib" 32768
note "2000 short threads: $kib KiB of trace on disk"
