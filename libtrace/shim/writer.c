/* The trace writer's slow paths: opening the process file, handing out
 * chunks, the call-site table, variable records (see writer.h). */
#define _GNU_SOURCE
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lifecycle.h"
#include "process.h"
#include "real.h"
#include "wait_state.h"

__thread struct snag_thread_state snag_thread __attribute__((tls_model("initial-exec")));

static uint64_t empty_site_slots[SNAG_SITE_TABLE_ENTRIES];
uint64_t *snag_site_slots = empty_site_slots;

#define CHUNK_SIZE (64u * 1024u)
#define CHUNKS_PER_WINDOW 128u /* 8 MiB mapped at a time */
#define MAX_WINDOWS 2048u      /* 16 GiB of trace per process at most */
#define SITE_TABLE_BYTES (SNAG_SITE_TABLE_ENTRIES * 8u)
#define WAIT_TABLE_OFFSET (SNAG_FILE_HEADER_SIZE + SITE_TABLE_BYTES)
#define WAIT_TABLE_BYTES (SNAG_WAIT_TABLE_ENTRIES * sizeof(struct snag_wait_slot))
#define FIRST_CHUNK_OFFSET (WAIT_TABLE_OFFSET + WAIT_TABLE_BYTES)

_Static_assert(sizeof(struct snag_wait_slot) == 128, "wait slots are two cache lines");
_Static_assert(WAIT_TABLE_BYTES % 4096 == 0, "chunks stay page-aligned");

/* The open process file. Written by the constructor and the fork child
 * handler (each runs while the process has a single thread that records);
 * read by every thread's slow path. */
static struct {
    int fd;
    dev_t device;                    /* identity of our file behind fd */
    ino_t inode;
    char path[PATH_MAX];             /* to reopen it if the program closed fd */
    char directory[PATH_MAX];        /* the trace directory, for messages */
    struct snag_file_header *header; /* mapping of header + site table */
    uint32_t generation;             /* bumped in a forked child */
    atomic_uint next_thread_index;
    atomic_int recording;
    uint64_t max_chunks;
    _Atomic(char *) windows[MAX_WINDOWS];
    /* Staging chunks of threads that ended, for threads yet to start: a
     * stack, (pops << 32) | (chunk + 1), 0 when empty; each free chunk's
     * header holds the next one in reserved[0] (its magic is 0). */
    _Atomic uint64_t free_staging;
    atomic_int warned;
} process = {.fd = -1, .generation = 1};

static void warn_once(const char *what, int error)
{
    if (atomic_exchange(&process.warned, 1)) return;
    char line[256];
    int length = snprintf(line, sizeof line, "snag: %s (%s); recording stops, the program goes on\n", what,
                          strerror(error));
    if (length > 0) {
        ssize_t ignored = write(STDERR_FILENO, line, (size_t)length < sizeof line ? (size_t)length : sizeof line - 1);
        (void)ignored;
    }
}

static void stop_recording(const char *what, int error)
{
    atomic_store(&process.recording, 0);
    warn_once(what, error);
}

int snag_writer_active(void)
{
    return atomic_load_explicit(&process.recording, memory_order_relaxed);
}

/* Programs close file descriptors they did not open (daemons, the child
 * side of subprocess) and may then get our number back for a file of their
 * own: check that fd is still our file, and reopen it by path if not. */
static int ensure_fd(void)
{
    struct stat status;
    if (process.fd >= 0 && fstat(process.fd, &status) == 0 && status.st_dev == process.device &&
        status.st_ino == process.inode)
        return 0;
    int fd = open(process.path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fstat(fd, &status) != 0 || status.st_dev != process.device || status.st_ino != process.inode) {
        close(fd);
        errno = ESTALE;
        return -1;
    }
    process.fd = fd;
    return 0;
}

/* Keep our descriptor out of the low numbers a program expects open() to
 * return: move it near the top of the allowed range. */
static int move_fd_high(int fd)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < 64) return fd;
    rlim_t floor = limit.rlim_cur > 4096 ? 4096 - 64 : limit.rlim_cur - 64;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, (int)floor);
    if (high < 0) return fd;
    close(fd);
    return high;
}

/* pwrite until done; -1 with errno (ENOSPC for a write that makes no progress). */
static int write_all(const void *bytes, size_t size, uint64_t offset)
{
    size_t done = 0;
    while (done < size) {
        ssize_t wrote = pwrite(process.fd, (const char *)bytes + done, size - done, (off_t)(offset + done));
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            if (wrote == 0) errno = ENOSPC;
            return -1;
        }
        done += (size_t)wrote;
    }
    return 0;
}

/* Make [offset, offset+size) of the file initialised, reserved blocks by
 * writing zeros: a full disk then says ENOSPC here instead of SIGBUS-ing the
 * program at a store into the mapping, and the pages the mapping then finds
 * are ready (fallocate's unwritten extents cost ext4 a conversion per page,
 * ~9 ns per lock/unlock pair more). Works on every file system. */
static int reserve_file_range(uint64_t offset, uint64_t size)
{
    static const char zeros[CHUNK_SIZE];
    for (uint64_t done = 0; done < size; done += sizeof zeros) {
        size_t part = size - done > sizeof zeros ? sizeof zeros : (size_t)(size - done);
        if (write_all(zeros, part, offset + done) != 0) return -1;
    }
    return 0;
}

static char *window_for_chunk(uint64_t chunk)
{
    uint64_t index = chunk / CHUNKS_PER_WINDOW;
    char *window = atomic_load_explicit(&process.windows[index], memory_order_acquire);
    if (window) return window;
    size_t size = (size_t)CHUNKS_PER_WINDOW * CHUNK_SIZE;
    void *mapped = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, process.fd,
                        (off_t)(FIRST_CHUNK_OFFSET + index * size));
    if (mapped == MAP_FAILED) return NULL;
    char *expected = NULL;
    if (!atomic_compare_exchange_strong(&process.windows[index], &expected, (char *)mapped)) {
        munmap(mapped, size); /* another thread mapped it first */
        return expected;
    }
    return mapped;
}

/* Hands out the next chunk of the file, or returns UINT64_MAX (recording
 * stopped) when the size limit is reached. */
static uint64_t take_chunk(void)
{
    struct snag_file_header *header = process.header;
    uint64_t chunk = __atomic_fetch_add(&header->chunk_count, 1, __ATOMIC_ACQ_REL);
    if (chunk >= process.max_chunks) {
        __atomic_fetch_sub(&header->chunk_count, 1, __ATOMIC_ACQ_REL);
        __atomic_fetch_add(&header->dropped_records, 1, __ATOMIC_RELAXED);
        stop_recording("trace file reached its size limit (SNAG_MAX_SIZE_MB)", EFBIG);
        return UINT64_MAX;
    }
    if (ensure_fd() != 0) {
        stop_recording("the trace file was closed under us and cannot be reopened", errno);
        return UINT64_MAX;
    }
    return chunk;
}

static uint64_t chunk_offset(uint64_t chunk)
{
    return FIRST_CHUNK_OFFSET + chunk * CHUNK_SIZE;
}

static struct snag_chunk_header *chunk_at(uint64_t chunk)
{
    char *window = window_for_chunk(chunk);
    return window ? (struct snag_chunk_header *)(window + (chunk % CHUNKS_PER_WINDOW) * CHUNK_SIZE) : NULL;
}

/* A staging chunk left by a thread that ended (already mapped, in the
 * cache, zeroed), or UINT64_MAX if there is none. */
static uint64_t pop_free_staging(void)
{
    uint64_t head = atomic_load_explicit(&process.free_staging, memory_order_acquire);
    while ((uint32_t)head) {
        uint64_t chunk = (uint32_t)head - 1;
        struct snag_chunk_header *header = chunk_at(chunk); /* mapped when it was pushed */
        uint64_t next = header ? __atomic_load_n(&header->reserved[0], __ATOMIC_RELAXED) : 0;
        /* the pop count makes a head seen twice (popped and pushed again
         * meanwhile, with another next) two different values */
        uint64_t popped = ((head >> 32) + 1) << 32 | (uint32_t)next;
        if (atomic_compare_exchange_weak_explicit(&process.free_staging, &head, popped, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            __atomic_store_n(&header->reserved[0], 0, __ATOMIC_RELAXED);
            return chunk;
        }
    }
    return UINT64_MAX;
}

static void push_free_staging(uint64_t chunk, struct snag_chunk_header *header)
{
    uint64_t head = atomic_load_explicit(&process.free_staging, memory_order_acquire);
    do __atomic_store_n(&header->reserved[0], (uint32_t)head, __ATOMIC_RELAXED);
    while (!atomic_compare_exchange_weak_explicit(&process.free_staging, &head,
                                                  (head & ~(uint64_t)UINT32_MAX) | (chunk + 1), memory_order_acq_rel,
                                                  memory_order_acquire));
}

/* A thread's staging chunk (see copy_out_staging): one a thread that ended
 * left, or a new one, reserved, mapped and mapped in (one call instead of
 * a page fault every 4 KiB on the hot path). */
static struct snag_chunk_header *take_staging_chunk(uint64_t *index)
{
    uint64_t chunk = pop_free_staging();
    if (chunk != UINT64_MAX) {
        *index = chunk;
        return chunk_at(chunk);
    }
    chunk = take_chunk();
    if (chunk == UINT64_MAX) return NULL;
    if (reserve_file_range(chunk_offset(chunk), CHUNK_SIZE) != 0) {
        stop_recording("cannot grow the trace file", errno);
        return NULL;
    }
    struct snag_chunk_header *staging = chunk_at(chunk);
    if (!staging) {
        stop_recording("cannot map the trace file", errno);
        return NULL;
    }
    /* Older kernels lack MADV_POPULATE_WRITE: then the faults happen as before. */
    madvise(staging, CHUNK_SIZE, MADV_POPULATE_WRITE);
    *index = chunk;
    return staging;
}

/* A full staging chunk is copied, as it is, into a newly taken chunk of the
 * file, then emptied for the thread's next chunk_seq. The thread keeps
 * writing into the same memory: pages already mapped and in the cache,
 * where a fresh chunk's first touch of each page costs microseconds in a
 * VM (about 10 ns per lock/unlock pair, measured on our 2-core VMs). The
 * copy's header goes last, so a copy cut short has no magic and is ignored;
 * a crash between the copy and the emptying leaves two identical copies of
 * one chunk_seq, and readers read one (FORMAT.md). Returns 0, or -1 with
 * recording stopped. */
static int copy_out_staging(struct snag_chunk_header *staging, const uint64_t *used_end)
{
    char *bytes = (char *)staging;
    char *records = bytes + SNAG_CHUNK_HEADER_SIZE;
    size_t used = CHUNK_SIZE - SNAG_CHUNK_HEADER_SIZE;
    if ((const char *)used_end >= records && (const char *)used_end <= bytes + CHUNK_SIZE)
        used = (size_t)((const char *)used_end - records);
    uint64_t chunk = take_chunk();
    if (chunk == UINT64_MAX) return -1;
    /* Only what was written: the rest of the copy is a hole in the file,
     * which reads as zeros (the end mark) and takes no disk. */
    if (write_all(records, used, chunk_offset(chunk) + SNAG_CHUNK_HEADER_SIZE) != 0 ||
        write_all(bytes, SNAG_CHUNK_HEADER_SIZE, chunk_offset(chunk)) != 0) {
        stop_recording("cannot grow the trace file", errno);
        return -1;
    }
    __atomic_store_n(&staging->magic, 0, __ATOMIC_RELEASE);
    memset(records, 0, used);
    return 0;
}

static void emit_thread_info(struct snag_thread_state *thread)
{
    struct snag_thread_record info = {
        .pthread_self = (uint64_t)pthread_self(),
        .stack_low = thread->stack_low,
        .stack_high = thread->stack_high,
        .tid = thread->tid,
        .is_main = thread->tid == getpid(),
    };
    snag_emit_variable(SNAG_REC_THREAD_INFO, 0, &info, sizeof info);
}

/* Blocks every signal but those a fault raises in the thread itself
 * (blocked, they would kill the process instead of reaching the program's
 * handler); the old mask goes to *saved. */
static void block_asynchronous_signals(sigset_t *saved)
{
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
    sigset_t signals;
    sigfillset(&signals);
    for (size_t index = 0; index < sizeof faults / sizeof faults[0]; index++) sigdelset(&signals, faults[index]);
    pthread_sigmask(SIG_BLOCK, &signals, saved);
}

/* What the slow paths that change a thread's chunk share: errno kept, the
 * thread's chunk taken away (used_end: where its records ended), in_shim
 * set, and signals held off: a handler that records (sem_post is
 * async-signal-safe) while in_shim is set would lose its record, so it
 * waits until the chunk is ready (a few microseconds; two system calls). */
struct slow_path {
    int saved_errno;
    sigset_t saved_mask;
    uint64_t *used_end;
};

static void slow_path_enter(struct snag_thread_state *thread, struct slow_path *frame)
{
    frame->saved_errno = errno;
    block_asynchronous_signals(&frame->saved_mask);
    thread->in_shim = 1;
    frame->used_end = thread->pos;
    thread->pos = thread->end = NULL;
}

static void slow_path_leave(struct snag_thread_state *thread, struct slow_path *frame)
{
    thread->in_shim = 0;
    pthread_sigmask(SIG_SETMASK, &frame->saved_mask, NULL);
    errno = frame->saved_errno;
}

uint64_t *snag_writer_refill(struct snag_thread_state *thread)
{
    if (thread->hiding) { /* the release of a hidden lock of libunwind's: dropped */
        thread->end = thread->hidden_end;
        thread->hidden_end = NULL;
        thread->hiding = 0;
        return NULL;
    }
    if (thread->in_shim) return NULL;
    if (!atomic_load_explicit(&process.recording, memory_order_acquire)) {
        if (snag_start_tried()) return NULL; /* off for good (no trace directory, or it failed) */
        snag_start(0, NULL); /* a lock taken before our constructor ran */
        if (!atomic_load_explicit(&process.recording, memory_order_acquire)) return NULL;
    }
    struct slow_path frame;
    slow_path_enter(thread, &frame);
    uint64_t *used_end = frame.used_end;
    uint64_t *result = NULL;
    /* A forked child whose fork handler has not run yet (another library's
     * handler records first): the parent's file is not ours to write. */
    if (process.header->pid != getpid()) {
        snag_writer_after_fork_child(snag_process_following());
        if (!atomic_load(&process.recording)) goto out;
    }

    int new_thread = thread->generation != process.generation || thread->thread_index == 0;
    if (new_thread) {
        thread->generation = process.generation;
        thread->thread_index = atomic_fetch_add(&process.next_thread_index, 1) + 1;
        thread->chunk_seq = 0;
        thread->tid = gettid();
        thread->exit_recorded = 0;
        thread->wait_slot = snag_wait_slot_claim(snag_writer_wait_table(), thread->tid, (uint64_t)pthread_self());
        thread->staging = NULL;
    }
    struct snag_chunk_header *chunk_header = thread->staging;
    if (chunk_header) {
        if (copy_out_staging(chunk_header, used_end) != 0) goto out;
    } else {
        uint64_t index;
        chunk_header = take_staging_chunk(&index);
        if (!chunk_header) goto out;
        thread->staging = chunk_header;
        thread->staging_index = (uint32_t)index;
    }
    uint64_t ticks = snag_now_ticks();
    chunk_header->thread_index = thread->thread_index;
    chunk_header->tid = thread->tid;
    chunk_header->chunk_seq = thread->chunk_seq++;
    chunk_header->first_ticks = ticks;
    __atomic_store_n(&chunk_header->magic, SNAG_CHUNK_MAGIC, __ATOMIC_RELEASE);

    thread->acquired_type = 0; /* short records never refer into another chunk */
    thread->after_acquire = 0;
    thread->chunk_first_ticks = ticks;
    thread->pos = (uint64_t *)((char *)chunk_header + SNAG_CHUNK_HEADER_SIZE);
    thread->end = (uint64_t *)((char *)chunk_header + CHUNK_SIZE);
    if (new_thread) emit_thread_info(thread);
    /* A clock anchor per chunk lets the reader check the TSC rate over the run. */
    snag_emit((ticks << 8) | SNAG_REC_CLOCK_ANCHOR, snag_clock_monotonic_ns());
    result = thread->pos;
out:
    slow_path_leave(thread, &frame);
    return result;
}

void snag_record_acquire_full(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    struct snag_thread_state *thread = &snag_thread;
    if (!snag_writer_active() && snag_start_tried()) return; /* recording is off: cost nothing more */
    /* Only here, on the full record: the lock loop never pays for it. */
    if (__builtin_expect(!snag_stack_pair_seen((uint64_t)(uintptr_t)object, return_address), 0) &&
        snag_stack_first_acquisition((uint64_t)(uintptr_t)object, return_address))
        return;
    snag_record_aux(type, object, snag_site_id(return_address));
    /* after the record: a refill in between resets these for the new chunk */
    thread->acquired_type = type;
    thread->acquired_object = (uint64_t)(uintptr_t)object;
    thread->acquired_site = return_address;
    thread->after_acquire = (uintptr_t)thread->pos;
}

void snag_record_release_full(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    if (!snag_writer_active() && snag_start_tried()) return;
    snag_record(type, object, return_address);
}

void snag_writer_thread_ended(void)
{
    struct snag_thread_state *thread = &snag_thread;
    if (!thread->staging || thread->in_shim || thread->generation != process.generation ||
        !atomic_load_explicit(&process.recording, memory_order_acquire) || process.header->pid != getpid())
        return;
    struct slow_path frame;
    slow_path_enter(thread, &frame);
    thread->hidden_end = NULL;
    thread->hiding = 0;
    if (copy_out_staging(thread->staging, frame.used_end) == 0)
        push_free_staging(thread->staging_index, thread->staging);
    thread->staging = NULL;
    thread->acquired_type = 0;
    thread->after_acquire = 0;
    slow_path_leave(thread, &frame);
}

uint16_t snag_site_insert(uintptr_t return_address, size_t slot)
{
    if (return_address == 0) return SNAG_SITE_NONE;
    if (snag_site_slots == empty_site_slots) {
        /* the very first record of a process may come before the constructor */
        if (snag_thread.in_shim || atomic_load(&process.recording)) return SNAG_SITE_NONE;
        snag_start(0, NULL);
        if (snag_site_slots == empty_site_slots) return SNAG_SITE_NONE;
    }
    for (size_t probe = 0; probe < 16; probe++) {
        size_t index = (slot + probe) & (SNAG_SITE_TABLE_ENTRIES - 1);
        uint64_t seen = __atomic_load_n(&snag_site_slots[index], __ATOMIC_RELAXED);
        if (seen == 0) {
            uint64_t expected = 0;
            if (__atomic_compare_exchange_n(&snag_site_slots[index], &expected, return_address, 0,
                                            __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                return (uint16_t)(index + 1);
            seen = expected;
        }
        if (seen == return_address) return (uint16_t)(index + 1);
    }
    /* Table crowded here: spell the address out in the record before. */
    snag_emit_now(SNAG_REC_SITE, return_address);
    return SNAG_SITE_IN_RECORD;
}

uint64_t snag_object_spill(uint64_t address)
{
    snag_emit_now(SNAG_REC_OBJECT, address);
    return 0;
}

int snag_emit_variable2(uint8_t type, uint32_t word1_high, const void *head, size_t head_size,
                        const void *tail, size_t tail_size)
{
    return snag_emit_variable_at(0, type, word1_high, head, head_size, tail, tail_size);
}

int snag_emit_variable_at(uint64_t ticks, uint8_t type, uint32_t word1_high, const void *head, size_t head_size,
                          const void *tail, size_t tail_size)
{
    struct snag_thread_state *thread = &snag_thread;
    size_t payload = head_size + tail_size;
    size_t total = 16 + ((payload + 7) & ~(size_t)7);
    if (total > CHUNK_SIZE - SNAG_CHUNK_HEADER_SIZE - 16) return -1;
    uint64_t *slot;
    do {
        slot = thread->pos;
        if (!slot || (size_t)((char *)thread->end - (char *)slot) < total) {
            /* Leave the rest of this chunk zero (the reader's end mark) and take a new one. */
            thread->end = thread->pos;
            slot = snag_writer_refill(thread);
            if (!slot || (size_t)((char *)thread->end - (char *)slot) < total) return -1;
        }
    } while (!snag_reserve(thread, slot, (unsigned)(total / 8)));
    char *bytes = (char *)(slot + 2);
    memcpy(bytes, head, head_size);
    if (tail_size) memcpy(bytes + head_size, tail, tail_size);
    memset(bytes + payload, 0, total - 16 - payload);
    slot[1] = (uint64_t)total | ((uint64_t)word1_high << 32);
    __atomic_store_n(&slot[0], ((ticks ? ticks : snag_now_ticks()) << 8) | type, __ATOMIC_RELEASE);
    return 0;
}

int snag_emit_variable(uint8_t type, uint32_t word1_high, const void *payload, size_t size)
{
    return snag_emit_variable2(type, word1_high, payload, size, NULL, 0);
}

static uint64_t env_max_chunks(void)
{
    const char *text = getenv("SNAG_MAX_SIZE_MB");
    uint64_t limit = (uint64_t)MAX_WINDOWS * CHUNKS_PER_WINDOW;
    if (text && *text) {
        char *end;
        unsigned long long megabytes = strtoull(text, &end, 10);
        if (!*end && megabytes > 0) {
            uint64_t chunks = (uint64_t)megabytes * 1024u * 1024u / CHUNK_SIZE;
            if (chunks < limit) limit = chunks ? chunks : 1;
        }
    }
    return limit;
}

/* Creates "<pid>.snag" (or "<pid>.<n>.snag" if that pid already wrote one:
 * an exec'd image, or pid reuse) inside the trace directory, privately, and
 * never through a symlink planted there. *image_seq is n (0 for the first). */
static int create_process_file(int directory, pid_t pid, char *name, size_t size, uint32_t *image_seq)
{
    for (unsigned attempt = 0; attempt < 4096; attempt++) {
        if (attempt == 0) snprintf(name, size, "%d%s", (int)pid, SNAG_PROCESS_FILE_SUFFIX);
        else snprintf(name, size, "%d.%u%s", (int)pid, attempt, SNAG_PROCESS_FILE_SUFFIX);
        *image_seq = attempt;
        int fd = openat(directory, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

static int open_file(pid_t pid, pid_t parent, int forked, uint64_t fork_ticks)
{
    const char *directory_path = getenv("SNAG_TRACE_DIR");
    if (!directory_path || !*directory_path) return -1;
    int directory = open(directory_path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (directory < 0) {
        warn_once("cannot open the trace directory named by SNAG_TRACE_DIR", errno);
        return -1;
    }
    char name[64];
    uint32_t image_seq = 0;
    int fd = create_process_file(directory, pid, name, sizeof name, &image_seq);
    int error = errno;
    close(directory);
    if (fd < 0) {
        warn_once("cannot create this process's trace file", error);
        return -1;
    }
    fd = move_fd_high(fd);
    struct stat status;
    if (fstat(fd, &status) != 0 ||
        snprintf(process.path, sizeof process.path, "%s/%s", directory_path, name) >= (int)sizeof process.path) {
        close(fd);
        warn_once("cannot set up this process's trace file", ENAMETOOLONG);
        return -1;
    }
    snprintf(process.directory, sizeof process.directory, "%s", directory_path);
    process.device = status.st_dev;
    process.inode = status.st_ino;
    process.fd = fd;
    if (reserve_file_range(0, FIRST_CHUNK_OFFSET) != 0) goto fail;
    void *mapped = mmap(NULL, FIRST_CHUNK_OFFSET, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) goto fail;
    struct snag_file_header *header = mapped;
    struct timespec realtime;
    clock_gettime(CLOCK_REALTIME, &realtime);
    header->format_version = SNAG_FORMAT_VERSION;
    header->header_size = SNAG_FILE_HEADER_SIZE;
    header->chunk_size = CHUNK_SIZE;
    header->clock_source = snag_clock.use_tsc ? SNAG_CLOCK_TSC : SNAG_CLOCK_MONOTONIC;
    header->tick_hz = snag_clock.hz;
    header->tick_origin = snag_clock.origin;
    header->anchor_ticks = snag_now_ticks();
    header->anchor_monotonic_ns = snag_clock_monotonic_ns();
    header->anchor_realtime_ns = (uint64_t)realtime.tv_sec * 1000000000u + (uint64_t)realtime.tv_nsec;
    header->pid = pid;
    header->ppid = parent;
    header->image_seq = image_seq;
    header->flags = forked ? SNAG_FILE_FOLLOWS_FORK : 0;
    header->fork_parent_pid = forked ? parent : 0;
    header->fork_parent_ticks = fork_ticks;
    header->site_table_offset = SNAG_FILE_HEADER_SIZE;
    header->site_table_entries = SNAG_SITE_TABLE_ENTRIES;
    header->wait_table_offset = WAIT_TABLE_OFFSET;
    header->wait_table_entries = SNAG_WAIT_TABLE_ENTRIES;
    header->wait_slot_size = sizeof(struct snag_wait_slot);
    header->first_chunk_offset = FIRST_CHUNK_OFFSET;
    memcpy(header->magic, SNAG_FILE_MAGIC, sizeof header->magic);
    process.header = header;
    process.max_chunks = env_max_chunks();
    snag_site_slots = (uint64_t *)((char *)mapped + SNAG_FILE_HEADER_SIZE);
    atomic_store(&process.recording, 1);
    return 0;
fail:
    error = errno;
    close(fd);
    process.fd = -1;
    warn_once("cannot set up this process's trace file", error);
    return -1;
}

int snag_writer_open_process(void)
{
    return open_file(getpid(), getppid(), 0, 0);
}

pid_t snag_writer_pid(void)
{
    struct snag_file_header *header = process.header;
    return header ? header->pid : 0;
}

void snag_writer_clear_exit(void)
{
    struct snag_file_header *header = process.header;
    if (!header) return;
    header->end_ticks = 0;
    __atomic_store_n(&header->exit_kind, SNAG_EXIT_UNKNOWN, __ATOMIC_RELEASE);
}

void snag_writer_after_fork_child(int follow)
{
    if (process.fd < 0 || process.header->pid == getpid()) return; /* done already */
    uint64_t fork_ticks = snag_now_ticks();
    pid_t parent = process.header->pid;
    atomic_store(&process.recording, 0);
    /* The parent's mappings are MAP_SHARED: writing through them would write
     * into the parent's file. Let go of them; the child gets a file of its own. */
    for (unsigned index = 0; index < MAX_WINDOWS; index++) {
        char *window = atomic_load(&process.windows[index]);
        if (window) munmap(window, (size_t)CHUNKS_PER_WINDOW * CHUNK_SIZE);
        atomic_store(&process.windows[index], NULL);
    }
    munmap(process.header, FIRST_CHUNK_OFFSET);
    process.header = NULL;
    snag_site_slots = empty_site_slots;
    struct stat status; /* the child may have closed it already, and reused the number */
    if (fstat(process.fd, &status) == 0 && status.st_dev == process.device && status.st_ino == process.inode)
        close(process.fd);
    process.fd = -1;
    process.generation++;
    atomic_store(&process.next_thread_index, 0);
    snag_thread.pos = snag_thread.end = NULL;
    snag_thread.staging = NULL; /* in the parent's file */
    atomic_store(&process.free_staging, 0);
    snag_thread.wait_slot = NULL; /* the parent's table: the child gets its own with its file */
    snag_stack_after_fork_child(); /* stack ids are per file */
    if (follow) open_file(getpid(), parent, 1, fork_ticks);
}

void snag_writer_set_exit(uint32_t exit_kind, int32_t exit_value)
{
    struct snag_file_header *header = process.header;
    if (!header || !atomic_load(&process.recording)) return;
    if (exit_kind == SNAG_EXIT_UNKNOWN) {
        /* only the end time (a destructor does not know the status) */
        if (__atomic_load_n(&header->exit_kind, __ATOMIC_ACQUIRE) == SNAG_EXIT_UNKNOWN)
            header->end_ticks = snag_now_ticks();
        return;
    }
    header->exit_value = exit_value;
    header->end_ticks = snag_now_ticks();
    __atomic_store_n(&header->exit_kind, exit_kind, __ATOMIC_RELEASE);
}

struct snag_wait_slot *snag_writer_wait_table(void)
{
    struct snag_file_header *header = process.header;
    return header ? (struct snag_wait_slot *)((char *)header + WAIT_TABLE_OFFSET) : NULL;
}

void snag_writer_sync(void)
{
    int saved_errno = errno;
    if (process.fd >= 0 && ensure_fd() == 0) fdatasync(process.fd);
    errno = saved_errno;
}

const char *snag_writer_directory(void)
{
    return process.directory;
}
