/* Writes synthetic snag traces for the viewer's tests, through the
 * test-side trace writer (tests/unit/trace_builder.h): one tick is one
 * nanosecond, so every event is read back at exactly the time written here.
 *
 *   gen_trace bench DIR EVENTS [THREADS [SEED]]
 *       THREADS (default 8) workers lock and unlock 4 mutexes (one of them
 *       hot) with a little work between, until EVENTS events are written;
 *       a lock busy at that moment is waited for (WAIT, then ACQUIRE when
 *       its holder releases it). Loops are written as the shim writes them:
 *       short REACQUIRE / RELEASE_PREVIOUS records where the format allows.
 *   gen_trace deadlock DIR
 *       two threads, alpha and beta, take m1 and m2 in opposite orders and
 *       block for good; the main thread waits to join alpha; the process
 *       is killed at 10000 ns. Event times (ns):
 *         main  (lane 0, tid 2000): create alpha 200, create beta 300, join alpha (wait) 400
 *         alpha (lane 1, tid 2001): start 250, acquire m1 1000, wait m2 2000
 *         beta  (lane 2, tid 2002): start 350, acquire m2 1500, wait m1 2500
 *   gen_trace brief DIR
 *       one second of a thread "steady" (lane 0, tid 3000) signalling a
 *       condvar every 10 us (100000 events that change nothing), with one
 *       wait of 1 us for a mutex, from 500500000 to 500501000 ns (then a
 *       hold of 100 ns), and a thread "quiet" (lane 1, tid 3001) that only
 *       signals: at 10 ms a column the wait must not vanish in its cell.
 *   gen_trace ties DIR
 *       events sharing nanoseconds: main (lane 0, tid 4000) and worker
 *       (lane 1, tid 4001) both take mutex m at 1000 ns; in (time, lane,
 *       ordinal) order the events are
 *         500 main create worker, 500 worker start,
 *         1000 main acquire m, 1000 main release m, 1000 worker acquire m,
 *         2000 worker release m, 3000 main acquire m2
 *   gen_trace signals DIR
 *       condvar and semaphore waits and who signals them (ns):
 *         consumer (lane 0, tid 5000): mutex m 900, cond wait on c 1000
 *           (releasing m), woken 1600 (m again), releases m 1700, waits on
 *           semaphore s 2000, takes it 2600
 *         producer (lane 1, tid 5001): start 500, signals c 1200,
 *           broadcasts c 1500, posts s 2500
 *         idle (lane 2, tid 5002): start 600, waits on cond c2 from 700 for good
 *       the process ends at 4000.
 *   gen_trace names DIR NAME
 *       the deadlock trace with alpha renamed NAME and NAME as the
 *       program's argument (untrusted bytes, for the escaping tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trace_builder.h"

#define LOCKS 4
#define LOCK_ADDRESS(index) (UINT64_C(0x601000) + (uint64_t)(index) * 64)
#define ACQUIRE_SITE(index) (UINT64_C(0x401000) + (uint64_t)(index) * 32)
#define RELEASE_SITE(index) (UINT64_C(0x401010) + (uint64_t)(index) * 32)
#define THREAD_SELF(index) (UINT64_C(0x7f0000001000) + (uint64_t)(index) * 0x1000)

static uint64_t random_state;

static uint64_t next_random(uint64_t limit)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return random_state % limit;
}

/* What the reader checks about short records: they refer back only within
 * one chunk. A thread's chunk changes when its next record does not fit. */
struct worker {
    uint32_t index;            /* trace_builder thread index (the main thread is 1) */
    uint64_t next_ns;          /* when it next wants a lock */
    uint64_t chunk_epoch;      /* +1 whenever a record starts a new chunk */
    uint64_t acquired_epoch;   /* chunk of its last full ACQUIRE record ... */
    int acquired_lock;         /* ... and of which lock (-1: none) */
};

/* Notes whether a record of `size` bytes starts a new chunk. */
static void before_record(struct tb_file *file, struct worker *worker, size_t size)
{
    if (tb_next_offset(file, worker->index, size) == 0) worker->chunk_epoch++;
}

static void acquire(struct tb_file *file, struct worker *worker, uint64_t time, int lock, int waited)
{
    if (!waited && worker->acquired_lock == lock && tb_next_offset(file, worker->index, 8) != 0 &&
        worker->acquired_epoch == worker->chunk_epoch) {
        tb_short(file, worker->index, time, SNAG_REC_REACQUIRE);
        return;
    }
    before_record(file, worker, 16);
    tb_event(file, worker->index, time, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, LOCK_ADDRESS(lock), ACQUIRE_SITE(lock));
    worker->acquired_lock = lock;
    worker->acquired_epoch = worker->chunk_epoch;
}

static void release(struct tb_file *file, struct worker *worker, uint64_t time, int lock)
{
    if (tb_next_offset(file, worker->index, 8) != 0) {
        tb_short(file, worker->index, time, SNAG_REC_RELEASE_PREVIOUS);
        return;
    }
    before_record(file, worker, 16);
    tb_event(file, worker->index, time, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, LOCK_ADDRESS(lock), RELEASE_SITE(lock));
}

static void process_info(struct tb_file *file, uint64_t time, const char *program, const char *argument)
{
    const char *argv[] = {program, argument};
    tb_process_info(file, 1, time, argument ? 2 : 1, argv, program);
}

static int write_bench(const char *directory, uint64_t events, uint32_t threads, uint64_t seed)
{
    random_state = seed * 2654435761u + 88172645463325252u;
    struct tb_file *file = tb_begin(1000, 1);
    tb_add_thread(file, 1, 1000, THREAD_SELF(0), 1000, 1);
    process_info(file, 1000, "synthetic_locks", NULL);
    tb_thread_name(file, 1, 1000, THREAD_SELF(0), "main");
    struct worker *workers = calloc(threads, sizeof *workers);
    uint64_t lock_free_at[LOCKS] = {0};
    if (!workers) return -1;
    uint64_t time = 2000, written = 0;
    for (uint32_t index = 0; index < threads; index++) {
        struct worker *worker = &workers[index];
        char name[32];
        worker->index = index + 2;
        worker->acquired_lock = -1;
        uint64_t self = THREAD_SELF(index + 1);
        tb_event(file, 1, time, SNAG_CLASS_THREAD, SNAG_OP_CREATE, self, 0x400100);
        time += 500;
        before_record(file, worker, 48); /* thread info: the thread's first chunk */
        tb_add_thread(file, worker->index, time, self, 1001 + (int32_t)index, 0);
        tb_event(file, worker->index, time, SNAG_CLASS_THREAD, SNAG_OP_START, self, 0x400200);
        snprintf(name, sizeof name, "worker-%u", index + 1);
        tb_thread_name(file, worker->index, time, self, name);
        worker->next_ns = time + 100;
        written += 2;
    }
    while (written < events) {
        struct worker *worker = &workers[0];
        for (uint32_t index = 1; index < threads; index++)
            if (workers[index].next_ns < worker->next_ns) worker = &workers[index];
        int lock = next_random(2) ? 0 : 1 + (int)next_random(LOCKS - 1); /* lock 0 is the hot one */
        uint64_t at = worker->next_ns;
        int waited = lock_free_at[lock] > at;
        if (waited) {
            before_record(file, worker, 16);
            tb_event(file, worker->index, at, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, LOCK_ADDRESS(lock), ACQUIRE_SITE(lock));
            at = lock_free_at[lock];
            written++;
        }
        acquire(file, worker, at, lock, waited);
        uint64_t hold = 50 + next_random(450);
        release(file, worker, at + hold, lock);
        lock_free_at[lock] = at + hold;
        worker->next_ns = at + hold + 200 + next_random(3800);
        written += 2;
    }
    uint64_t end = 0;
    for (uint32_t index = 0; index < threads; index++) {
        struct worker *worker = &workers[index];
        if (worker->next_ns > end) end = worker->next_ns;
        before_record(file, worker, 16);
        tb_event_aux(file, worker->index, worker->next_ns, SNAG_CLASS_THREAD, SNAG_OP_EXIT, THREAD_SELF(index + 1), 0);
    }
    /* The main thread joins them in turn, right after creating them. */
    for (uint32_t index = 0; index < threads; index++) {
        uint64_t self = THREAD_SELF(index + 1), exited = workers[index].next_ns;
        tb_event(file, 1, time, SNAG_CLASS_THREAD, SNAG_OP_WAIT, self, 0x400300);
        time = (time > exited ? time : exited) + 100;
        tb_event(file, 1, time, SNAG_CLASS_THREAD, SNAG_OP_ACQUIRE, self, 0x400300);
    }
    struct snag_file_header *header = tb_header(file);
    header->end_ticks = (time > end ? time : end) + 1000;
    header->exit_kind = SNAG_EXIT_STATUS;
    header->exit_value = 0;
    int status = tb_write_into(file, directory);
    tb_free(file);
    free(workers);
    return status;
}

static int write_deadlock(const char *directory, const char *alpha_name, const char *argument)
{
    const uint64_t m1 = LOCK_ADDRESS(0), m2 = LOCK_ADDRESS(1);
    const uint64_t main_self = 0x7000, alpha = 0xa000, beta = 0xb000;
    struct tb_file *file = tb_begin(2000, 1);
    tb_add_thread(file, 1, 100, main_self, 2000, 1);
    process_info(file, 100, "deadlock_demo", argument);
    tb_event(file, 1, 200, SNAG_CLASS_THREAD, SNAG_OP_CREATE, alpha, 0x400100);
    tb_add_thread(file, 2, 250, alpha, 2001, 0);
    tb_event(file, 2, 250, SNAG_CLASS_THREAD, SNAG_OP_START, alpha, 0x400200);
    tb_thread_name(file, 2, 250, alpha, alpha_name);
    tb_event(file, 1, 300, SNAG_CLASS_THREAD, SNAG_OP_CREATE, beta, 0x400110);
    tb_add_thread(file, 3, 350, beta, 2002, 0);
    tb_event(file, 3, 350, SNAG_CLASS_THREAD, SNAG_OP_START, beta, 0x400210);
    tb_thread_name(file, 3, 350, beta, "beta");
    tb_event(file, 1, 400, SNAG_CLASS_THREAD, SNAG_OP_WAIT, alpha, 0x400300);
    tb_event(file, 2, 1000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m1, 0x401100);
    tb_event(file, 3, 1500, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m2, 0x401200);
    tb_event(file, 2, 2000, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, m2, 0x401110);
    tb_event(file, 3, 2500, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, m1, 0x401210);
    struct snag_file_header *header = tb_header(file);
    header->end_ticks = 10000;
    header->exit_kind = SNAG_EXIT_SIGNAL;
    header->exit_value = 9;
    int status = tb_write_into(file, directory);
    tb_free(file);
    return status;
}

static int write_brief(const char *directory)
{
    const uint64_t cond = 0x602000, mutex = LOCK_ADDRESS(0), steady = 0x7000, quiet = 0x8000;
    struct tb_file *file = tb_begin(3000, 1);
    tb_add_thread(file, 1, 0, steady, 3000, 1);
    process_info(file, 0, "brief_wait", NULL);
    tb_thread_name(file, 1, 0, steady, "steady");
    tb_event(file, 1, 100, SNAG_CLASS_THREAD, SNAG_OP_CREATE, quiet, 0x400100);
    tb_add_thread(file, 2, 200, quiet, 3001, 0);
    tb_thread_name(file, 2, 200, quiet, "quiet");
    for (uint64_t time = 10000; time < 1000000000; time += 10000) {
        tb_event(file, 1, time, SNAG_CLASS_COND, SNAG_OP_SIGNAL, cond, 0x401000);
        tb_event(file, 2, time + 5000, SNAG_CLASS_COND, SNAG_OP_SIGNAL, cond, 0x401010);
        if (time != 500490000) continue;
        tb_event(file, 1, 500500000, SNAG_CLASS_MUTEX, SNAG_OP_WAIT, mutex, 0x401020);
        tb_event(file, 1, 500501000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, mutex, 0x401020);
        tb_event(file, 1, 500501100, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, mutex, 0x401030);
    }
    struct snag_file_header *header = tb_header(file);
    header->end_ticks = 1000000000;
    header->exit_kind = SNAG_EXIT_STATUS;
    int status = tb_write_into(file, directory);
    tb_free(file);
    return status;
}

static int write_ties(const char *directory)
{
    const uint64_t m = LOCK_ADDRESS(0), m2 = LOCK_ADDRESS(1), main_self = 0x7000, worker = 0x8000;
    struct tb_file *file = tb_begin(4000, 1);
    tb_add_thread(file, 1, 0, main_self, 4000, 1);
    process_info(file, 0, "ties", NULL);
    tb_event(file, 1, 500, SNAG_CLASS_THREAD, SNAG_OP_CREATE, worker, 0x400100);
    tb_add_thread(file, 2, 500, worker, 4001, 0);
    tb_event(file, 2, 500, SNAG_CLASS_THREAD, SNAG_OP_START, worker, 0x400200);
    tb_thread_name(file, 2, 500, worker, "worker");
    tb_event(file, 1, 1000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m, 0x401000);
    tb_event(file, 1, 1000, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, m, 0x401010);
    tb_event(file, 2, 1000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m, 0x401020);
    tb_event(file, 2, 2000, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, m, 0x401030);
    tb_event(file, 1, 3000, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m2, 0x401040);
    struct snag_file_header *header = tb_header(file);
    header->end_ticks = 4000;
    header->exit_kind = SNAG_EXIT_STATUS;
    int status = tb_write_into(file, directory);
    tb_free(file);
    return status;
}

static int write_signals(const char *directory)
{
    const uint64_t m = LOCK_ADDRESS(0), c = 0x602000, c2 = 0x602040, sem = 0x602080;
    const uint64_t consumer = 0x7000, producer = 0x8000, idle = 0x9000;
    struct tb_file *file = tb_begin(5000, 1);
    tb_add_thread(file, 1, 0, consumer, 5000, 1);
    process_info(file, 0, "signals", NULL);
    tb_thread_name(file, 1, 0, consumer, "consumer");
    tb_event(file, 1, 400, SNAG_CLASS_THREAD, SNAG_OP_CREATE, producer, 0x400100);
    tb_add_thread(file, 2, 500, producer, 5001, 0);
    tb_event(file, 2, 500, SNAG_CLASS_THREAD, SNAG_OP_START, producer, 0x400200);
    tb_thread_name(file, 2, 500, producer, "producer");
    tb_event(file, 1, 450, SNAG_CLASS_THREAD, SNAG_OP_CREATE, idle, 0x400110);
    tb_add_thread(file, 3, 600, idle, 5002, 0);
    tb_event(file, 3, 600, SNAG_CLASS_THREAD, SNAG_OP_START, idle, 0x400210);
    tb_thread_name(file, 3, 600, idle, "idle");
    tb_event(file, 3, 700, SNAG_CLASS_COND, SNAG_OP_WAIT, c2, 0x401050);
    tb_event(file, 1, 900, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m, 0x401000);
    tb_event(file, 1, 1000, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, m, 0x401010);
    tb_event(file, 1, 1000, SNAG_CLASS_COND, SNAG_OP_WAIT, c, 0x401010);
    tb_event(file, 2, 1200, SNAG_CLASS_COND, SNAG_OP_SIGNAL, c, 0x401020);
    tb_event(file, 2, 1500, SNAG_CLASS_COND, SNAG_OP_BROADCAST, c, 0x401020);
    tb_event_aux(file, 1, 1600, SNAG_CLASS_COND, SNAG_OP_WAKE, c, 0);
    tb_event(file, 1, 1600, SNAG_CLASS_MUTEX, SNAG_OP_ACQUIRE, m, 0x401010);
    tb_event(file, 1, 1700, SNAG_CLASS_MUTEX, SNAG_OP_RELEASE, m, 0x401030);
    tb_event(file, 1, 2000, SNAG_CLASS_SEM, SNAG_OP_WAIT, sem, 0x401040);
    tb_event(file, 2, 2500, SNAG_CLASS_SEM, SNAG_OP_RELEASE, sem, 0x401060);
    tb_event(file, 1, 2600, SNAG_CLASS_SEM, SNAG_OP_ACQUIRE, sem, 0x401040);
    struct snag_file_header *header = tb_header(file);
    header->end_ticks = 4000;
    header->exit_kind = SNAG_EXIT_STATUS;
    int status = tb_write_into(file, directory);
    tb_free(file);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_trace bench DIR EVENTS [THREADS [SEED]] | deadlock DIR | brief DIR | ties DIR | signals DIR | names DIR NAME\n");
        return 2;
    }
    const char *directory = argv[2];
    if (mkdir(directory, 0700) != 0) {
        perror(directory);
        return 1;
    }
    int status;
    if (strcmp(argv[1], "bench") == 0 && argc >= 4) {
        uint64_t events = strtoull(argv[3], NULL, 10);
        uint32_t threads = argc >= 5 ? (uint32_t)strtoul(argv[4], NULL, 10) : 8;
        uint64_t seed = argc >= 6 ? strtoull(argv[5], NULL, 10) : 1;
        if (threads < 1 || threads > 1000) {
            fprintf(stderr, "gen_trace: 1 to 1000 threads\n");
            return 2;
        }
        status = write_bench(directory, events, threads, seed);
    } else if (strcmp(argv[1], "deadlock") == 0) {
        status = write_deadlock(directory, "alpha", NULL);
    } else if (strcmp(argv[1], "signals") == 0) {
        status = write_signals(directory);
    } else if (strcmp(argv[1], "ties") == 0) {
        status = write_ties(directory);
    } else if (strcmp(argv[1], "brief") == 0) {
        status = write_brief(directory);
    } else if (strcmp(argv[1], "names") == 0 && argc >= 4) {
        status = write_deadlock(directory, argv[3], argv[3]);
    } else {
        fprintf(stderr, "gen_trace: unknown trace kind %s\n", argv[1]);
        return 2;
    }
    if (status) fprintf(stderr, "gen_trace: cannot write the trace into %s\n", directory);
    return status ? 1 : 0;
}
