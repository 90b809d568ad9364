/* The hang monitor (see hang_monitor.h). */
#define _GNU_SOURCE
#include "hang_monitor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snag/format.h"
#include "snag/reader.h"
#include "snag/task_state.h"
#include "snag/text.h"
#include "snag/waits.h"

#define MAX_WAITS SNAG_WAIT_TABLE_ENTRIES

struct watched {
    char *name;
    int pid;
    const struct snag_file_header *header; /* mapping of the header up to the end of the wait table */
    size_t mapped_size;
    const void *table;
    uint64_t table_size;
    uint64_t blocked_signature; /* of the all-blocked state seen last, 0 if none */
    uint64_t blocked_since_ns;  /* when we first saw it */
    int done;                   /* reported, ended, or not a file to watch */
};

struct hang_monitor {
    char *directory;
    uint64_t timeout_ns;
    int end_hung;
    unsigned ended;
    struct watched *files;
    size_t count, capacity;
};

static uint64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

struct hang_monitor *hang_monitor_new(const char *trace_directory, uint64_t timeout_ns, int end_hung)
{
    struct hang_monitor *monitor = calloc(1, sizeof *monitor);
    if (!monitor) return NULL;
    monitor->directory = strdup(trace_directory);
    if (!monitor->directory) {
        free(monitor);
        return NULL;
    }
    monitor->timeout_ns = timeout_ns;
    monitor->end_hung = end_hung;
    return monitor;
}

void hang_monitor_free(struct hang_monitor *monitor)
{
    if (!monitor) return;
    for (size_t index = 0; index < monitor->count; index++) {
        struct watched *file = &monitor->files[index];
        if (file->header) munmap((void *)file->header, file->mapped_size);
        free(file->name);
    }
    free(monitor->files);
    free(monitor->directory);
    free(monitor);
}

unsigned hang_monitor_ended(const struct hang_monitor *monitor)
{
    return monitor->ended;
}

static struct watched *find_or_add(struct hang_monitor *monitor, const char *name)
{
    for (size_t index = 0; index < monitor->count; index++)
        if (strcmp(monitor->files[index].name, name) == 0) return &monitor->files[index];
    if (monitor->count == monitor->capacity) {
        size_t capacity = monitor->capacity ? monitor->capacity * 2 : 16;
        struct watched *grown = realloc(monitor->files, capacity * sizeof *grown);
        if (!grown) return NULL;
        monitor->files = grown;
        monitor->capacity = capacity;
    }
    struct watched *file = &monitor->files[monitor->count];
    memset(file, 0, sizeof *file);
    file->name = strdup(name);
    if (!file->name) return NULL;
    monitor->count++;
    return file;
}

/* Maps a process file's header and wait table once its header is complete
 * (its magic is written last). 0 when ready. */
static int map_file(struct hang_monitor *monitor, struct watched *file)
{
    int directory = open(monitor->directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) return -1;
    int fd = openat(directory, file->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    close(directory);
    if (fd < 0) return -1;
    struct snag_file_header header;
    struct stat status;
    int result = -1;
    uint64_t offset, size;
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode) ||
        pread(fd, &header, sizeof header, 0) != (ssize_t)sizeof header)
        goto out;
    if (memcmp(header.magic, SNAG_FILE_MAGIC, 8) != 0) goto out; /* not yet complete: look again later */
    if (header.format_version != SNAG_FORMAT_VERSION ||
        snag_wait_table_place(&header, (uint64_t)status.st_size, &offset, &size) != 0) {
        file->done = 1; /* nothing to watch in it */
        goto out;
    }
    void *mapped = mmap(NULL, offset + size, PROT_READ, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) goto out;
    file->header = mapped;
    file->mapped_size = offset + size;
    file->table = (const char *)mapped + offset;
    file->table_size = size;
    file->pid = header.pid;
    result = 0;
out:
    close(fd);
    return result;
}

static void proc_name(int pid, int tid, char *out, size_t size)
{
    char path[96], raw[64] = "";
    if (tid) snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, tid);
    else snprintf(path, sizeof path, "/proc/%d/comm", pid);
    FILE *file = fopen(path, "re");
    if (file) {
        if (!fgets(raw, sizeof raw, file)) raw[0] = '\0';
        fclose(file);
    }
    raw[strcspn(raw, "\n")] = '\0';
    snag_text_sanitize(raw, out, size);
}

static const char *wait_words(const struct snag_thread_wait *wait)
{
    switch (wait->object_class) {
    case SNAG_CLASS_MUTEX: return "waits for mutex";
    case SNAG_CLASS_RWLOCK: return wait->op == SNAG_OP_WAIT_SHARED ? "waits to read rwlock" : "waits to write rwlock";
    case SNAG_CLASS_SPIN: return "spins on spinlock";
    case SNAG_CLASS_COND: return "waits on condition variable";
    case SNAG_CLASS_SEM: return "waits on semaphore";
    case SNAG_CLASS_BARRIER: return "waits at barrier";
    case SNAG_CLASS_THREAD: return "joins thread";
    default: return "waits on";
    }
}

static void report(struct hang_monitor *monitor, struct watched *file, const struct snag_thread_wait *waits,
                   size_t count, uint64_t now)
{
    const struct snag_file_header *header = file->header;
    double hz = header->tick_hz ? (double)header->tick_hz : 1e9;
    char name[64];
    proc_name(file->pid, 0, name, sizeof name);
    fprintf(stderr,
            "snag: HANG in process %d (%s): all %zu of its threads have been blocked for over %.1f s, "
            "and none of them can wake another:\n",
            file->pid, name, count, (double)(now - file->blocked_since_ns) / 1e9);
    uint64_t newest = 0;
    for (size_t index = 0; index < count; index++)
        if (waits[index].since_ticks > newest) newest = waits[index].since_ticks;
    for (size_t index = 0; index < count; index++) {
        const struct snag_thread_wait *wait = &waits[index];
        char thread[64];
        proc_name(file->pid, wait->tid, thread, sizeof thread);
        /* ages relative to the newest wait, which began at most blocked_since */
        double age = (double)(newest - wait->since_ticks) / hz + (double)(now - file->blocked_since_ns) / 1e9;
        int joined = 0; /* a join names the thread by its pthread_t: say its tid */
        for (size_t other = 0; wait->object_class == SNAG_CLASS_THREAD && other < count; other++)
            if (waits[other].pthread_self == wait->object) joined = waits[other].tid;
        if (joined)
            fprintf(stderr, "snag:   thread %d (%s) joins thread %d for %.1f s, called from %#llx\n", wait->tid,
                    thread, joined, age, (unsigned long long)wait->site);
        else
            fprintf(stderr, "snag:   thread %d (%s) %s %#llx for %.1f s, called from %#llx\n", wait->tid, thread,
                    wait_words(wait), (unsigned long long)wait->object, age, (unsigned long long)wait->site);
    }
    char safe[4096];
    snag_text_sanitize(monitor->directory, safe, sizeof safe);
    if (monitor->end_hung && kill(file->pid, SIGKILL) == 0) {
        monitor->ended++;
        fprintf(stderr, "snag: ended process %d (--on-deadlock=exit; --on-deadlock=report leaves it hanging); "
                        "who last signalled what: snag report %s\n", file->pid, safe);
    } else {
        fprintf(stderr, "snag: left hanging (--on-deadlock=report); who last signalled what: snag report %s\n", safe);
    }
}

static void check_file(struct hang_monitor *monitor, struct watched *file, uint64_t now)
{
    const struct snag_file_header *header = file->header;
    if (__atomic_load_n(&header->exit_kind, __ATOMIC_ACQUIRE) != SNAG_EXIT_UNKNOWN ||
        (kill(file->pid, 0) != 0 && errno == ESRCH)) {
        file->done = 1; /* ended or replaced by exec */
        return;
    }
    static struct snag_thread_wait waits[MAX_WAITS];
    size_t count = snag_wait_table_read(file->table, file->table_size, waits, MAX_WAITS);
    uint64_t signature = 0;
    int all_blocked = count > 0;
    for (size_t index = 0; index < count && all_blocked; index++) {
        /* a timed wait ends by itself; another process may end one on a shared object */
        if (!waits[index].blocked || waits[index].timed || waits[index].process_shared) all_blocked = 0;
        signature += ((uint64_t)(uint32_t)waits[index].tid << 32 | waits[index].wait_seq) *
                     UINT64_C(0x9E3779B97F4A7C15);
    }
    /* a thread that never recorded anything has no slot but could still run */
    if (all_blocked && snag_task_count(file->pid) != (int)count) all_blocked = 0;
    for (size_t index = 0; index < count && all_blocked; index++)
        if (!snag_task_asleep(file->pid, waits[index].tid)) all_blocked = 0;
    if (!all_blocked) {
        file->blocked_signature = 0;
        return;
    }
    signature |= 1;
    if (signature != file->blocked_signature) {
        file->blocked_signature = signature;
        file->blocked_since_ns = now;
        return;
    }
    if (now - file->blocked_since_ns < monitor->timeout_ns) return;
    file->done = 1;
    report(monitor, file, waits, count, now);
}

void hang_monitor_check(struct hang_monitor *monitor)
{
    DIR *listing = opendir(monitor->directory);
    if (!listing) return;
    struct dirent *entry;
    while ((entry = readdir(listing))) {
        size_t length = strlen(entry->d_name);
        if (length < 6 || strcmp(entry->d_name + length - 5, SNAG_PROCESS_FILE_SUFFIX) != 0 ||
            strcmp(entry->d_name, SNAG_LAUNCHER_FILE) == 0)
            continue;
        struct watched *file = find_or_add(monitor, entry->d_name);
        if (file && !file->done && !file->header) map_file(monitor, file);
    }
    closedir(listing);
    uint64_t now = now_ns();
    for (size_t index = 0; index < monitor->count; index++) {
        struct watched *file = &monitor->files[index];
        if (!file->done && file->header) check_file(monitor, file, now);
    }
}
