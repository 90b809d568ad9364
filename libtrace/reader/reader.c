/* The trace reader (see snag/reader.h). Opening a trace maps every process
 * file read-only, checks every header and chunk, finds the valid end of
 * each chunk and collects the metadata records; cursors then decode events
 * straight from the mappings without checking again. */
#define _GNU_SOURCE
#include "snag/reader.h"
#include "snag/waits.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stack_table.h"
#include "opencl_log.h"

#define MAX_THREADS_PER_FILE (1u << 22)

struct chunk_ref {
    uint32_t seq;
    uint64_t records_offset; /* file offset of its first record */
    uint64_t valid_end;      /* file offset one past its last valid record */
    uint64_t first_ticks;    /* the chunk header's: REACQUIRE_RELEASE times count from it */
};

struct thread_build {
    struct snag_thread_info info;
    uint32_t file;
    struct chunk_ref *chunks;
    size_t chunk_count, chunk_capacity;
    uint64_t first_ticks, last_ticks;
    bool has_ticks, has_exit;
    uint64_t exit_ticks;
};

struct pending_name {
    uint32_t file;
    uint64_t pthread_self;
    uint64_t ticks;
    char *name;
    size_t order; /* as read, to keep equal times in file order */
};

struct pending_process_event {
    uint32_t file, thread_build; /* thread_build: index into trace->threads */
    uint64_t ticks;
    struct snag_process_event event;
};

struct pending_deadlock {
    uint32_t file, thread_build;
    uint64_t ticks;
    size_t member_count;
    struct snag_deadlock_member *members; /* since_ns holds ticks until finish() */
};

struct semaphore_name {
    uint32_t process;
    uint64_t address;
    char *name;
};

struct trace_file {
    char *path;
    const uint8_t *data;
    size_t size;
    struct snag_file_header header;
    uint32_t process;
    uint64_t mult;          /* ns per tick, fixed point 32.32 */
    const uint64_t *sites;  /* the call-site table, site_count entries */
    uint32_t site_count;
    uint32_t first_thread;  /* index into trace->threads */
    uint32_t thread_count;
    uint64_t end_ticks;     /* latest record */
    bool has_process_info;
};

struct snag_trace {
    struct trace_file *files;
    size_t file_count;
    struct snag_process_info *processes;
    struct thread_build *threads;
    size_t thread_count, thread_capacity;
    struct snag_thread_info *thread_infos; /* contiguous copy for snag_trace_thread */
    struct snag_module_info *modules;
    size_t module_count, module_capacity;
    struct pending_name *names;
    size_t name_count, name_capacity;
    struct semaphore_name *semaphores;
    size_t semaphore_count, semaphore_capacity;
    struct pending_process_event *process_events;
    size_t process_event_count, process_event_capacity;
    struct snag_process_event *process_event_list; /* in time order, for the API */
    struct pending_deadlock *deadlock_builds;
    size_t deadlock_count, deadlock_capacity;
    struct snag_recorded_deadlock *deadlocks; /* for the API, made by finish() */
    struct snag_stack_table *stacks;
    char **warnings;
    size_t warning_count, warning_capacity;
    char **argv_storage; /* argv arrays to free */
    size_t argv_storage_count, argv_storage_capacity;
    uint64_t start_monotonic_ns, start_realtime_ns, end_ns, event_count;
    /* launcher */
    bool has_launcher;
    struct snag_launcher_header launcher;
    struct snag_launcher_entry *launcher_entries;
    uint32_t launcher_entry_count;
    struct snag_opencl_log *opencl; /* NULL without OpenCL records */
};

/* ---- small helpers ---- */

static int grow(void **array, size_t *capacity, size_t count, size_t element_size)
{
    if (count < *capacity) return 0;
    size_t next = *capacity ? *capacity * 2 : 16;
    void *bigger = realloc(*array, next * element_size);
    if (!bigger) return -1;
    *array = bigger;
    *capacity = next;
    return 0;
}
#define GROW(array, capacity, count) grow((void **)&(array), &(capacity), (count), sizeof *(array))

/* qsort, for arrays that may be empty (and NULL) */
static void sort(void *array, size_t count, size_t size, int (*compare)(const void *, const void *))
{
    if (count > 1) qsort(array, count, size, compare);
}

static uint64_t load64(const uint8_t *bytes)
{
    uint64_t value;
    memcpy(&value, bytes, 8);
    return value;
}

static void set_error(char *error, size_t size, const char *format, ...)
{
    if (!error || !size) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(error, size, format, arguments);
    va_end(arguments);
}

static void warn(struct snag_trace *trace, const char *format, ...)
{
    char line[512];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(line, sizeof line, format, arguments);
    va_end(arguments);
    if (trace->warning_count >= 1000 || GROW(trace->warnings, trace->warning_capacity, trace->warning_count)) return;
    char *copy = strdup(line);
    if (copy) trace->warnings[trace->warning_count++] = copy;
}

static char *copy_string(const uint8_t *bytes, size_t max)
{
    size_t length = strnlen((const char *)bytes, max);
    char *copy = malloc(length + 1);
    if (!copy) return NULL;
    memcpy(copy, bytes, length);
    copy[length] = '\0';
    return copy;
}

const char *snag_class_name(unsigned object_class)
{
    static const char *const names[] = {"control", "mutex", "rwlock", "spinlock", "cond", "sem", "barrier", "thread"};
    return object_class < 8 ? names[object_class] : "unknown";
}

const char *snag_process_event_name(unsigned kind)
{
    static const char *const names[] = {"unknown", "fork", "exec", "exec_failed", "spawn", "wait", "waited"};
    return kind < 7 ? names[kind] : "unknown";
}

/* ---- time ---- */

static uint64_t file_monotonic_ns(const struct trace_file *file, uint64_t ticks)
{
    __int128 delta = (__int128)ticks - (__int128)file->header.anchor_ticks;
    __int128 ns = (__int128)file->header.anchor_monotonic_ns + ((delta * (__int128)file->mult) >> 32);
    /* A corrupt tick count (or anchor) saturates instead of wrapping into a time that looks valid. */
    if (ns < 0) return 0;
    return ns > (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
}

static uint64_t file_ticks_to_monotonic_ns(const void *file, uint64_t ticks)
{
    return file_monotonic_ns(file, ticks);
}

static uint64_t trace_ns(const struct snag_trace *trace, const struct trace_file *file, uint64_t ticks)
{
    uint64_t monotonic = file_monotonic_ns(file, ticks);
    return monotonic > trace->start_monotonic_ns ? monotonic - trace->start_monotonic_ns : 0;
}

/* ---- opening files ---- */

static int map_file(const char *path, const uint8_t **data, size_t *size, char *error, size_t error_size)
{
    /* Directory entries were checked to be regular files; a file named on
     * the command line may be reached through a symlink the user made. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_error(error, error_size, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    struct stat status;
    if (fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        set_error(error, error_size, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    *size = (size_t)status.st_size;
    *data = NULL;
    if (*size > 0) {
        void *mapped = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapped == MAP_FAILED) {
            set_error(error, error_size, "%s: cannot map: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        *data = mapped;
    }
    close(fd);
    return 0;
}

static bool all_zero(const uint8_t *bytes, size_t size)
{
    for (size_t index = 0; index < size; index++)
        if (bytes[index]) return false;
    return true;
}

static int check_version(uint32_t version, const char *path, char *error, size_t error_size)
{
    if (version == 0 || version > SNAG_FORMAT_VERSION) {
        set_error(error, error_size,
                  "%s: written in trace format %u, this snag reads formats 1 to %u: use a newer snag", path,
                  version, SNAG_FORMAT_VERSION);
        return -1;
    }
    return 0;
}

/* A new thread of `file` (local indexes start at 1; a file's threads are
 * contiguous in trace->threads). Its position there, or -1 (out of memory). */
static long add_thread(struct snag_trace *trace, struct trace_file *file, uint32_t file_index, uint32_t local_index)
{
    if (GROW(trace->threads, trace->thread_capacity, trace->thread_count)) return -1;
    struct thread_build *thread = &trace->threads[trace->thread_count];
    memset(thread, 0, sizeof *thread);
    thread->file = file_index;
    thread->info.local_index = local_index;
    thread->info.exit_how = -1;
    thread->info.name = "";
    file->thread_count++;
    return (long)trace->thread_count++;
}

static uint64_t resolve_site(const struct trace_file *file, uint16_t id, uint64_t spelled_out)
{
    if (id == SNAG_SITE_NONE) return 0;
    if (id == SNAG_SITE_IN_RECORD) return spelled_out;
    if (id > file->site_count) return 0;
    return file->sites[id - 1];
}

static bool op_has_site(unsigned op)
{
    switch (op) {
    case SNAG_OP_FAILED:
    case SNAG_OP_WAKE:
    case SNAG_OP_ATTRIBUTE:
    case SNAG_OP_EXIT: return false;
    default: return true;
    }
}

/* Takes in the metadata of one variable record. */
static void read_deadlock(struct snag_trace *trace, uint32_t file_index, struct thread_build *thread, uint64_t ticks,
                          const uint8_t *payload, size_t size)
{
    struct snag_finding_record head;
    if (size < sizeof head) return;
    memcpy(&head, payload, sizeof head);
    size_t count = head.participant_count;
    if (count == 0 || count > (size - sizeof head) / sizeof(struct snag_finding_participant)) {
        warn(trace, "%s: deadlock record with %zu threads does not fit its %zu bytes; ignored",
             trace->files[file_index].path, count, size);
        return;
    }
    if (GROW(trace->deadlock_builds, trace->deadlock_capacity, trace->deadlock_count)) return;
    struct snag_deadlock_member *members = calloc(count, sizeof *members);
    if (!members) return;
    for (size_t index = 0; index < count; index++) {
        struct snag_finding_participant part;
        memcpy(&part, payload + sizeof head + index * sizeof part, sizeof part);
        members[index] = (struct snag_deadlock_member){
            .thread = SNAG_NO_INDEX,
            .tid = part.tid,
            .holder = part.holder_index < count ? part.holder_index : (uint32_t)index,
            .object_class = part.object_class,
            .op = part.op,
            .object = part.object,
            .site = part.site,
            .since_ns = part.since_ticks,
            .stack = part.stack,
        };
    }
    trace->deadlock_builds[trace->deadlock_count++] =
        (struct pending_deadlock){file_index, (uint32_t)(thread - trace->threads), ticks, count, members};
}

static void read_variable(struct snag_trace *trace, struct trace_file *file, uint32_t file_index,
                          struct thread_build *thread, uint8_t type, uint32_t word1_high, uint64_t ticks,
                          const uint8_t *payload, size_t size)
{
    switch (type) {
    case SNAG_REC_FINDING:
        if (word1_high == SNAG_FINDING_DEADLOCK) read_deadlock(trace, file_index, thread, ticks, payload, size);
        break;
    case SNAG_REC_STACK: {
        const char *problem = snag_stack_table_add(trace->stacks, file->process, word1_high, payload, size);
        if (problem) warn(trace, "%s: %s (stack %u)", file->path, problem, word1_high);
        break;
    }
    case SNAG_REC_THREAD_INFO: {
        struct snag_thread_record record;
        if (size < sizeof record) return;
        memcpy(&record, payload, sizeof record);
        thread->info.pthread_self = record.pthread_self;
        thread->info.tid = record.tid;
        thread->info.is_main = record.is_main != 0;
        break;
    }
    case SNAG_REC_THREAD_NAME: {
        if (size < 9 || GROW(trace->names, trace->name_capacity, trace->name_count)) return;
        char *name = copy_string(payload + 8, size - 8);
        if (!name) return;
        trace->names[trace->name_count] = (struct pending_name){file_index, load64(payload), ticks, name, trace->name_count};
        trace->name_count++;
        break;
    }
    case SNAG_REC_SEM_NAME: {
        if (size < 9 || GROW(trace->semaphores, trace->semaphore_capacity, trace->semaphore_count)) return;
        char *name = copy_string(payload + 8, size - 8);
        if (!name) return;
        trace->semaphores[trace->semaphore_count++] = (struct semaphore_name){file->process, load64(payload), name};
        break;
    }
    case SNAG_REC_MODULE: {
        struct snag_module_record record;
        if (size < sizeof record) return;
        memcpy(&record, payload, sizeof record);
        if ((size_t)record.build_id_size + record.path_size > size - sizeof record || record.path_size == 0) {
            warn(trace, "%s: module record with bad sizes ignored", file->path);
            return;
        }
        if (GROW(trace->modules, trace->module_capacity, trace->module_count)) return;
        const uint8_t *build_id = payload + sizeof record;
        char *path = copy_string(build_id + record.build_id_size, record.path_size);
        uint8_t *id_copy = record.build_id_size ? malloc(record.build_id_size) : NULL;
        if (!path || (record.build_id_size && !id_copy)) {
            free(path);
            free(id_copy);
            return;
        }
        if (id_copy) memcpy(id_copy, build_id, record.build_id_size);
        trace->modules[trace->module_count++] = (struct snag_module_info){
            .process = file->process,
            .path = path,
            .base_address = record.base_address,
            .low_address = record.low_address,
            .high_address = record.high_address,
            .build_id = id_copy,
            .build_id_size = record.build_id_size,
            .load_ns = ticks, /* converted once the trace start is known */
        };
        break;
    }
    case SNAG_REC_PROCESS_INFO: {
        struct snag_process_record record;
        if (size < sizeof record || file->has_process_info) return;
        memcpy(&record, payload, sizeof record);
        size_t strings_size = record.strings_size;
        if (strings_size > size - sizeof record || record.argc > strings_size) {
            warn(trace, "%s: process record with bad sizes ignored", file->path);
            return;
        }
        const uint8_t *strings = payload + sizeof record;
        size_t count = record.argc + 1;
        char **argv = calloc(count + 1, sizeof *argv);
        if (!argv) return;
        size_t offset = 0;
        for (size_t index = 0; index < count; index++) {
            size_t remaining = offset < strings_size ? strings_size - offset : 0;
            argv[index] = copy_string(strings + offset, remaining);
            if (!argv[index]) argv[index] = strdup("");
            offset += strnlen((const char *)strings + offset, remaining) + 1;
        }
        if (GROW(trace->argv_storage, trace->argv_storage_capacity, trace->argv_storage_count)) {
            for (size_t index = 0; index < count; index++) free(argv[index]);
            free(argv);
            return;
        }
        trace->argv_storage[trace->argv_storage_count++] = (char *)argv;
        struct snag_process_info *process = &trace->processes[file->process];
        process->argc = record.argc;
        process->argv = (const char *const *)argv;
        process->exe = argv[record.argc];
        file->has_process_info = true;
        break;
    }
    case SNAG_REC_PROCESS_EVENT: {
        struct snag_process_event_record record;
        if (size < sizeof record || GROW(trace->process_events, trace->process_event_capacity,
                                         trace->process_event_count))
            return;
        memcpy(&record, payload, sizeof record);
        char *path = copy_string(payload + sizeof record, size - sizeof record);
        if (!path) return;
        trace->process_events[trace->process_event_count++] = (struct pending_process_event){
            .file = file_index,
            .thread_build = (uint32_t)(thread - trace->threads),
            .ticks = ticks,
            .event = {.kind = record.kind, .pid = record.pid, .status = record.status, .path = path},
        };
        break;
    }
    default:
        if (type >= SNAG_REC_OPENCL_FIRST && type <= SNAG_REC_OPENCL_LAST) {
            struct opencl_record_source source = {file->process, (uint32_t)(thread - trace->threads), file,
                                                  file_ticks_to_monotonic_ns};
            if (opencl_log_take(&trace->opencl, &source, type, ticks, payload, size))
                warn(trace, "%s: out of memory reading OpenCL records; some are left out", file->path);
        }
        break; /* a newer record type: skipped by its length */
    }
}

/* Walks one chunk, checking every record; returns the offset of its valid end. */
static uint64_t scan_chunk(struct snag_trace *trace, struct trace_file *file, uint32_t file_index,
                           struct thread_build *thread, uint64_t start, uint64_t end, uint64_t chunk_first_ticks)
{
    uint64_t offset = start;
    uint64_t spelled_site = 0;
    bool after_acquire = false; /* a short release needs the acquisition right before it */
    bool acquired = false;      /* a re-acquisition needs an acquisition earlier in the chunk */
    /* One thread writes a chunk's fixed records in time order; only a
     * signal handler that records inside a record's writing steps back,
     * and briefly. A step back of over a second means a damaged time.
     * (Variable records may carry an earlier time: an OpenCL call or a
     * spawn is written when it returns, stamped with its start.) */
    uint64_t newest = chunk_first_ticks, second = file->header.tick_hz;
    while (offset + 8 <= end) {
        uint64_t word0 = load64(file->data + offset);
        if (word0 == 0) break;
        uint8_t type = (uint8_t)word0;
        uint64_t ticks = word0 >> 8;
        if (type == SNAG_REC_REACQUIRE_RELEASE) ticks = chunk_first_ticks + SNAG_PAIR_OFFSET(word0) + SNAG_PAIR_HOLD(word0);
        bool fixed = type < SNAG_RECORD_VARIABLE;
        if (fixed && ticks + second < newest) {
            warn(trace,
                 "%s: record at offset %llu is over a second older than one before it (a damaged time); "
                 "the rest of that chunk is lost",
                 file->path, (unsigned long long)offset);
            break;
        }
        if (fixed && ticks > newest) newest = ticks;
        if (SNAG_RECORD_IS_SHORT(type)) {
            if (type == SNAG_REC_RELEASE_PREVIOUS) {
                if (!after_acquire) {
                    warn(trace, "%s: release record at offset %llu follows no acquisition; the rest of that chunk is lost",
                         file->path, (unsigned long long)offset);
                    break;
                }
                thread->info.event_count++;
                trace->event_count++;
                after_acquire = false;
            } else if (type == SNAG_REC_REACQUIRE) {
                if (!acquired) {
                    warn(trace, "%s: re-acquisition at offset %llu has no acquisition before it; the rest of that chunk is lost",
                         file->path, (unsigned long long)offset);
                    break;
                }
                thread->info.event_count++;
                trace->event_count++;
                after_acquire = true;
            } else if (type == SNAG_REC_REACQUIRE_RELEASE) {
                if (!acquired) {
                    warn(trace, "%s: re-acquisition at offset %llu has no acquisition before it; the rest of that chunk is lost",
                         file->path, (unsigned long long)offset);
                    break;
                }
                thread->info.event_count += 2;
                trace->event_count += 2;
                after_acquire = false;
            }
            if (ticks > thread->last_ticks) thread->last_ticks = ticks;
            if (ticks > file->end_ticks) file->end_ticks = ticks;
            offset += 8;
            continue;
        }
        if (offset + 16 > end) break;
        uint64_t word1 = load64(file->data + offset + 8);
        uint64_t length = 16;
        if ((type >> 4) != SNAG_CLASS_CONTROL && type < SNAG_RECORD_VARIABLE) {
            unsigned op = type & 0xf;
            /* short records refer back to lock acquisitions only (not joins) */
            after_acquire = (op == SNAG_OP_ACQUIRE || op == SNAG_OP_ACQUIRE_SHARED) &&
                            (type >> 4) != SNAG_CLASS_THREAD;
            acquired = acquired || after_acquire;
        } else if (type != SNAG_REC_SITE && type != SNAG_REC_OBJECT) {
            after_acquire = false;
        }
        if (type >= SNAG_RECORD_VARIABLE) {
            length = word1 & 0xffffffffu;
            if (length < 16 || length % 8 || length > end - offset) {
                warn(trace, "%s: chunk record at offset %llu has a bad length %llu; the rest of that chunk is lost",
                     file->path, (unsigned long long)offset, (unsigned long long)length);
                break;
            }
            read_variable(trace, file, file_index, thread, type, (uint32_t)(word1 >> 32), ticks, file->data + offset + 16,
                          length - 16);
        } else if (type == SNAG_REC_SITE) {
            spelled_site = word1;
        } else if ((type >> 4) != SNAG_CLASS_CONTROL) {
            unsigned object_class = type >> 4, op = type & 0xf;
            thread->info.event_count++;
            trace->event_count++;
            if (object_class == SNAG_CLASS_THREAD && op == SNAG_OP_START)
                thread->info.start_routine = resolve_site(file, (uint16_t)(word1 >> 48), spelled_site);
            if (object_class == SNAG_CLASS_THREAD && op == SNAG_OP_EXIT) {
                thread->info.exit_how = (int)(word1 >> 48);
                thread->has_exit = true;
                thread->exit_ticks = ticks;
            }
        }
        if (!thread->has_ticks || ticks < thread->first_ticks) thread->first_ticks = ticks;
        if (!thread->has_ticks || ticks > thread->last_ticks) thread->last_ticks = ticks;
        thread->has_ticks = true;
        if (ticks > file->end_ticks) file->end_ticks = ticks;
        offset += length;
    }
    return offset;
}

static int compare_chunks(const void *left, const void *right)
{
    const struct chunk_ref *a = left, *b = right;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A checked chunk header of a file, in file order. */
struct chunk_slot {
    uint64_t chunk, start, end;
    struct snag_chunk_header header;
    bool duplicate; /* another copy of its thread's chunk_seq comes earlier in the file */
    uint32_t thread; /* its thread's position in trace->threads */
};

/* by thread, chunk_seq, then place in the file */
static int compare_chunk_slots(const void *left, const void *right)
{
    const struct chunk_slot *a = *(const struct chunk_slot *const *)left, *b = *(const struct chunk_slot *const *)right;
    if (a->header.thread_index != b->header.thread_index) return a->header.thread_index < b->header.thread_index ? -1 : 1;
    if (a->header.chunk_seq != b->header.chunk_seq) return a->header.chunk_seq < b->header.chunk_seq ? -1 : 1;
    return a->chunk < b->chunk ? -1 : a->chunk > b->chunk;
}

/* Checks a process file's header and chunks; adds its threads. */
/* Where the process's wait-state table left each thread; since_ns holds
 * ticks until finish(). A file without a table (older shim) leaves all 0. */
static void read_wait_table(struct snag_trace *trace, struct trace_file *file)
{
    uint64_t offset, size;
    if (snag_wait_table_place(&file->header, file->size, &offset, &size) != 0) return;
    struct snag_thread_wait waits[256];
    size_t count = snag_wait_table_read(file->data + offset, size, waits, sizeof waits / sizeof waits[0]);
    for (size_t index = 0; index < count; index++) {
        if (!waits[index].blocked) continue;
        for (uint32_t local = 0; local < file->thread_count; local++) {
            struct thread_build *thread = &trace->threads[file->first_thread + local];
            if (thread->info.tid != waits[index].tid) continue;
            thread->info.at_end = (struct snag_thread_blocked){
                .blocked = 1,
                .timed = waits[index].timed,
                .process_shared = waits[index].process_shared,
                .object_class = waits[index].object_class,
                .op = waits[index].op,
                .object = waits[index].object,
                .site = waits[index].site,
                .since_ns = waits[index].since_ticks,
                .stack = waits[index].stack,
            };
        }
    }
}

/* A process file's clock anchor (one reading of its tick counter and
 * CLOCK_MONOTONIC, taken when the file was made) places all its times: a
 * damaged one would move them anywhere. Record ticks (and the end's) have 56 bits; with a
 * launcher file, the process file was made after `snag run` started (a
 * second of slack) and, however long a process it left behind lived on,
 * not 30 days after it ended. */
static bool clock_anchor_is_corrupt(const struct snag_trace *trace, const struct snag_file_header *header)
{
    if (header->anchor_ticks >> 56 || header->end_ticks >> 56) return true;
    if (!trace->has_launcher || !trace->launcher.start_monotonic_ns) return false;
    const uint64_t second_ns = 1000000000u, month_ns = 30 * 86400 * second_ns;
    if (header->anchor_monotonic_ns + second_ns < trace->launcher.start_monotonic_ns) return true;
    return trace->launcher.end_monotonic_ns && header->anchor_monotonic_ns > trace->launcher.end_monotonic_ns + month_ns;
}

static int load_file(struct snag_trace *trace, uint32_t file_index, char *error, size_t error_size)
{
    struct trace_file *file = &trace->files[file_index];
    const char *path = file->path;
    if (file->size < sizeof(struct snag_file_header)) {
        set_error(error, error_size, "%s: truncated: %zu bytes, a trace file starts with a %u-byte header", path,
                  file->size, SNAG_FILE_HEADER_SIZE);
        return -1;
    }
    memcpy(&file->header, file->data, sizeof file->header);
    struct snag_file_header *header = &file->header;
    if (memcmp(header->magic, SNAG_FILE_MAGIC, 8) != 0) {
        set_error(error, error_size, "%s: not a snag trace file (no SNAGTRC magic at offset 0)", path);
        return -1;
    }
    if (check_version(header->format_version, path, error, error_size)) return -1;
    if (header->header_size != SNAG_FILE_HEADER_SIZE || header->chunk_size < 4096 || header->chunk_size % 4096 ||
        header->chunk_size > (64u << 20) || header->tick_hz == 0 ||
        (header->clock_source != SNAG_CLOCK_TSC && header->clock_source != SNAG_CLOCK_MONOTONIC) ||
        header->first_chunk_offset < SNAG_FILE_HEADER_SIZE) {
        set_error(error, error_size, "%s: corrupt header (header size %u, chunk size %u, clock %u at %llu Hz)", path,
                  header->header_size, header->chunk_size, header->clock_source,
                  (unsigned long long)header->tick_hz);
        return -1;
    }
    if (header->first_chunk_offset > file->size && header->first_chunk_offset <= (64u << 20)) {
        set_error(error, error_size, "%s: truncated: %zu bytes, but its header and call-site table take %u", path,
                  file->size, header->first_chunk_offset);
        return -1;
    }
    uint64_t site_bytes = (uint64_t)header->site_table_entries * 8;
    /* the call-site table ends where the wait-state table begins, if there is one */
    uint64_t site_limit = header->wait_table_offset > header->site_table_offset &&
                                  header->wait_table_offset < header->first_chunk_offset
                              ? header->wait_table_offset
                              : header->first_chunk_offset;
    /* each term is bounded before the sum, so nothing wraps */
    if (header->site_table_offset < SNAG_FILE_HEADER_SIZE || header->site_table_offset % 8 ||
        header->site_table_offset > header->first_chunk_offset ||
        site_bytes > site_limit - header->site_table_offset ||
        header->first_chunk_offset > file->size) {
        set_error(error, error_size, "%s: corrupt header (call-site table at %llu, first chunk at %u, file %zu bytes)",
                  path, (unsigned long long)header->site_table_offset, header->first_chunk_offset, file->size);
        return -1;
    }
    if (clock_anchor_is_corrupt(trace, header)) {
        set_error(error, error_size,
                  "%s: corrupt header (its clock anchor, tick %llu at %llu ns, or its end at tick %llu is outside the "
                  "run that wrote it)",
                  path, (unsigned long long)header->anchor_ticks, (unsigned long long)header->anchor_monotonic_ns,
                  (unsigned long long)header->end_ticks);
        return -1;
    }
    file->sites = (const uint64_t *)(file->data + header->site_table_offset);
    file->site_count = header->site_table_entries;
    uint64_t hz = header->tick_hz;
    if (trace->has_launcher && trace->launcher.clock_source == header->clock_source && trace->launcher.tick_hz)
        hz = trace->launcher.tick_hz; /* measured over the whole run: more precise */
    file->mult = (uint64_t)(((unsigned __int128)1000000000u << 32) / hz);
    file->first_thread = (uint32_t)trace->thread_count;

    uint64_t available = (file->size - header->first_chunk_offset) / header->chunk_size;
    uint64_t partial = (file->size - header->first_chunk_offset) % header->chunk_size;
    uint64_t chunks = header->chunk_count;
    if (chunks > available + (partial ? 1 : 0)) {
        warn(trace, "%s: header counts %llu chunks but the file holds %llu: the trace was cut short", path,
             (unsigned long long)chunks, (unsigned long long)(available + (partial ? 1 : 0)));
        chunks = available + (partial ? 1 : 0);
    }
    /* First the chunk headers, checked; then each thread's chunks once: a
     * crash while a full staging chunk was being reused can leave two
     * identical copies of one chunk_seq (FORMAT.md), and the first in the
     * file is read. */
    struct chunk_slot *slots = chunks ? calloc(chunks, sizeof *slots) : NULL;
    if (chunks && !slots) {
        set_error(error, error_size, "%s: out of memory", path);
        return -1;
    }
    size_t used = 0;
    for (uint64_t chunk = 0; chunk < chunks; chunk++) {
        uint64_t start = header->first_chunk_offset + chunk * header->chunk_size;
        uint64_t end = start + header->chunk_size;
        if (end > file->size) end = file->size;
        if (end - start < SNAG_CHUNK_HEADER_SIZE) continue;
        struct snag_chunk_header chunk_header;
        memcpy(&chunk_header, file->data + start, sizeof chunk_header);
        if (chunk_header.magic == 0) continue; /* taken, never written: the process died in between */
        if (chunk_header.magic != SNAG_CHUNK_MAGIC || chunk_header.thread_index == 0 ||
            chunk_header.thread_index > MAX_THREADS_PER_FILE) {
            set_error(error, error_size, "%s: chunk %llu at offset %llu is corrupt (magic 0x%08x, thread %u)", path,
                      (unsigned long long)chunk, (unsigned long long)start, chunk_header.magic,
                      chunk_header.thread_index);
            free(slots);
            return -1;
        }
        /* The anchor is read when the file is made, before any chunk is
         * taken (1 ms of slack for clocks read on different CPUs). */
        if (chunk_header.first_ticks + hz / 1000 < header->anchor_ticks) {
            set_error(error, error_size,
                      "%s: corrupt header or chunk (chunk %llu taken at tick %llu, before the file's clock anchor at "
                      "tick %llu)",
                      path, (unsigned long long)chunk, (unsigned long long)chunk_header.first_ticks,
                      (unsigned long long)header->anchor_ticks);
            free(slots);
            return -1;
        }
        slots[used++] = (struct chunk_slot){chunk, start, end, chunk_header, false, 0};
    }
    struct chunk_slot **by_seq = used ? malloc(used * sizeof *by_seq) : NULL;
    if (used && !by_seq) {
        free(slots);
        set_error(error, error_size, "%s: out of memory", path);
        return -1;
    }
    for (size_t index = 0; index < used; index++) by_seq[index] = &slots[index];
    /* Threads in the order of their local indexes, each made once (no
     * search per chunk: a file may hold many thousands of threads). */
    sort(by_seq, used, sizeof *by_seq, compare_chunk_slots);
    long thread_position = -1;
    for (size_t index = 0; index < used; index++) {
        struct chunk_slot *slot = by_seq[index], *before = index ? by_seq[index - 1] : NULL;
        if (!before || slot->header.thread_index != before->header.thread_index) {
            thread_position = add_thread(trace, file, file_index, slot->header.thread_index);
            if (thread_position < 0) {
                free(by_seq);
                free(slots);
                set_error(error, error_size, "%s: out of memory", path);
                return -1;
            }
        } else if (slot->header.chunk_seq == before->header.chunk_seq) {
            slot->duplicate = true;
        }
        slot->thread = (uint32_t)thread_position;
    }
    free(by_seq);
    for (size_t index = 0; index < used; index++) {
        const struct chunk_slot *slot = &slots[index];
        if (slot->duplicate) continue;
        struct thread_build *thread = &trace->threads[slot->thread];
        if (GROW(thread->chunks, thread->chunk_capacity, thread->chunk_count)) {
            free(slots);
            set_error(error, error_size, "%s: out of memory", path);
            return -1;
        }
        if (thread->info.tid == 0) thread->info.tid = slot->header.tid;
        uint64_t records = slot->start + SNAG_CHUNK_HEADER_SIZE;
        uint64_t valid_end = scan_chunk(trace, file, file_index, thread, records, slot->end, slot->header.first_ticks);
        thread->chunks[thread->chunk_count++] =
            (struct chunk_ref){slot->header.chunk_seq, records, valid_end, slot->header.first_ticks};
    }
    free(slots);
    for (uint32_t index = 0; index < file->thread_count; index++) {
        struct thread_build *thread = &trace->threads[file->first_thread + index];
        sort(thread->chunks, thread->chunk_count, sizeof *thread->chunks, compare_chunks);
        /* A thread's chunks are numbered 0, 1, ... with no gap; the shim's
         * order of writing keeps them so through a crash (FORMAT.md). */
        uint64_t missing = 0;
        for (size_t chunk = 0; chunk < thread->chunk_count; chunk++) {
            uint32_t expected = chunk ? thread->chunks[chunk - 1].seq + 1 : 0;
            if (thread->chunks[chunk].seq > expected) missing += thread->chunks[chunk].seq - expected;
        }
        if (missing)
            warn(trace, "%s: thread %u (tid %d) lacks %llu of its chunks (a damaged file): its events there are lost",
                 path, thread->info.local_index, (int)thread->info.tid, (unsigned long long)missing);
    }
    read_wait_table(trace, file);
    return 0;
}

static int load_launcher(struct snag_trace *trace, const char *path, char *error, size_t error_size)
{
    const uint8_t *data;
    size_t size;
    if (map_file(path, &data, &size, error, error_size)) return -1;
    int result = 0;
    if (size < sizeof trace->launcher || memcmp(data, SNAG_LAUNCHER_MAGIC, 8) != 0) {
        set_error(error, error_size, "%s: not a snag launcher file (truncated or bad magic)", path);
        result = -1;
        goto out;
    }
    memcpy(&trace->launcher, data, sizeof trace->launcher);
    if (check_version(trace->launcher.format_version, path, error, error_size)) {
        result = -1;
        goto out;
    }
    uint64_t room = (size - sizeof trace->launcher) / sizeof(struct snag_launcher_entry);
    uint32_t count = trace->launcher.entry_count < room ? trace->launcher.entry_count : (uint32_t)room;
    if (count) {
        trace->launcher_entries = calloc(count, sizeof *trace->launcher_entries);
        if (!trace->launcher_entries) count = 0;
        else memcpy(trace->launcher_entries, data + sizeof trace->launcher, count * sizeof *trace->launcher_entries);
    }
    trace->launcher_entry_count = count;
    trace->has_launcher = true;
out:
    if (size) munmap((void *)data, size);
    return result;
}

static bool is_process_file_name(const char *name)
{
    size_t length = strlen(name), suffix = strlen(SNAG_PROCESS_FILE_SUFFIX);
    if (length <= suffix || strcmp(name + length - suffix, SNAG_PROCESS_FILE_SUFFIX) != 0) return false;
    if (strcmp(name, SNAG_LAUNCHER_FILE) == 0) return false;
    for (size_t index = 0; index < length - suffix; index++)
        if ((name[index] < '0' || name[index] > '9') && name[index] != '.') return false;
    return true;
}

static int compare_names(const void *left, const void *right)
{
    return strverscmp(*(char *const *)left, *(char *const *)right);
}

/* Files in the order their processes started; equal starts by pid, then image. */
static int compare_files(const void *left, const void *right)
{
    const struct snag_file_header *a = &((const struct trace_file *)left)->header;
    const struct snag_file_header *b = &((const struct trace_file *)right)->header;
    if (a->anchor_monotonic_ns != b->anchor_monotonic_ns) return a->anchor_monotonic_ns < b->anchor_monotonic_ns ? -1 : 1;
    if (a->pid != b->pid) return a->pid < b->pid ? -1 : 1;
    return strcmp(((const struct trace_file *)left)->path, ((const struct trace_file *)right)->path);
}

/* The trace's files: every "<pid>[.<n>].snag" in a directory, or one file. */
static int list_files(struct snag_trace *trace, const char *path, char ***names_out, size_t *count_out,
                      char *error, size_t error_size)
{
    struct stat status;
    if (stat(path, &status) != 0) {
        set_error(error, error_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t count = 0, capacity = 0;
    if (!S_ISDIR(status.st_mode)) {
        names = malloc(sizeof *names);
        if (!names || !(names[0] = strdup(path))) {
            free(names);
            set_error(error, error_size, "%s: out of memory", path);
            return -1;
        }
        *names_out = names;
        *count_out = 1;
        return 0;
    }
    DIR *directory = opendir(path);
    if (!directory) {
        set_error(error, error_size, "%s: cannot read the trace directory: %s", path, strerror(errno));
        return -1;
    }
    struct dirent *entry;
    while ((entry = readdir(directory))) {
        if (strcmp(entry->d_name, SNAG_LAUNCHER_FILE) == 0) {
            char launcher[4096];
            snprintf(launcher, sizeof launcher, "%s/%s", path, entry->d_name);
            if (load_launcher(trace, launcher, error, error_size)) {
                closedir(directory);
                goto fail;
            }
            continue;
        }
        if (!is_process_file_name(entry->d_name)) continue;
        struct stat entry_status;
        if (fstatat(dirfd(directory), entry->d_name, &entry_status, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(entry_status.st_mode)) {
            /* the shim never makes one: something planted, not to be followed */
            warn(trace, "%s/%s: not a regular file; skipped", path, entry->d_name);
            continue;
        }
        if (GROW(names, capacity, count)) break;
        if (asprintf(&names[count], "%s/%s", path, entry->d_name) < 0) break;
        count++;
    }
    closedir(directory);
    if (count == 0) {
        set_error(error, error_size, "%s: no process files (<pid>.snag) in this trace directory: is it a snag trace?",
                  path);
        goto fail;
    }
    sort(names, count, sizeof *names, compare_names);
    *names_out = names;
    *count_out = count;
    return 0;
fail:
    for (size_t index = 0; index < count; index++) free(names[index]);
    free(names);
    return -1;
}

/* ---- after every file is loaded ---- */

static const struct snag_launcher_entry *launcher_entry_for(const struct snag_trace *trace, int32_t pid)
{
    for (uint32_t index = 0; index < trace->launcher_entry_count; index++)
        if (trace->launcher_entries[index].pid == pid) return &trace->launcher_entries[index];
    return NULL;
}

static int compare_names_by_time(const void *left, const void *right)
{
    const struct pending_name *a = left, *b = right;
    if (a->ticks != b->ticks) return a->ticks < b->ticks ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* A thread as names find it: by file, pthread_t, then start. */
struct thread_handle {
    uint32_t file, position;
    uint64_t pthread_self, first_ticks;
};

static int compare_thread_handles(const void *left, const void *right)
{
    const struct thread_handle *a = left, *b = right;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    if (a->pthread_self != b->pthread_self) return a->pthread_self < b->pthread_self ? -1 : 1;
    return a->first_ticks < b->first_ticks ? -1 : a->first_ticks > b->first_ticks;
}

/* Names in the order they were given, so each thread ends with its latest.
 * pthread_t values are reused: a name goes to the thread of its file and
 * pthread_t that started last before the name was set (a binary search in
 * the threads sorted by file, pthread_t and start). Returns 0 or -1 (out
 * of memory: names stay unset). */
static int apply_names(struct snag_trace *trace)
{
    sort(trace->names, trace->name_count, sizeof *trace->names, compare_names_by_time);
    if (!trace->name_count || !trace->thread_count) return 0;
    struct thread_handle *handles = malloc(trace->thread_count * sizeof *handles);
    if (!handles) return -1;
    for (size_t index = 0; index < trace->thread_count; index++) {
        const struct thread_build *thread = &trace->threads[index];
        handles[index] = (struct thread_handle){thread->file, (uint32_t)index, thread->info.pthread_self,
                                                thread->first_ticks};
    }
    sort(handles, trace->thread_count, sizeof *handles, compare_thread_handles);
    for (size_t index = 0; index < trace->name_count; index++) {
        const struct pending_name *name = &trace->names[index];
        struct thread_handle wanted = {name->file, 0, name->pthread_self, name->ticks};
        /* the first handle after (file, pthread_self, ticks): the one before it is the thread */
        size_t low = 0, high = trace->thread_count;
        while (low < high) {
            size_t middle = low + (high - low) / 2;
            if (compare_thread_handles(&handles[middle], &wanted) <= 0) low = middle + 1;
            else high = middle;
        }
        if (!low) continue;
        const struct thread_handle *best = &handles[low - 1];
        if (best->file == name->file && best->pthread_self == name->pthread_self && best->first_ticks <= name->ticks)
            trace->threads[best->position].info.name = name->name;
    }
    free(handles);
    return 0;
}

/* A forked child is its parent's copy: same modules and argv until it execs. */
static void inherit_from_parents(struct snag_trace *trace)
{
    /* Processes are in start order, so a parent has inherited its own
     * modules before its children copy them: forks of forks work. */
    for (size_t index = 0; index < trace->file_count; index++) {
        size_t module_count = trace->module_count;
        struct snag_process_info *process = &trace->processes[index];
        if (!process->forked || process->parent == SNAG_NO_INDEX) continue;
        const struct snag_process_info *parent = &trace->processes[process->parent];
        if (!trace->files[index].has_process_info) {
            process->argc = parent->argc;
            process->argv = parent->argv;
            process->exe = parent->exe;
        }
        for (size_t module = 0; module < module_count; module++) {
            if (trace->modules[module].process != parent->index) continue;
            if (GROW(trace->modules, trace->module_capacity, trace->module_count)) return;
            struct snag_module_info copy = trace->modules[module];
            copy.process = process->index;
            copy.path = strdup(copy.path);
            if (copy.build_id_size) {
                uint8_t *id = malloc(copy.build_id_size);
                if (id) memcpy(id, copy.build_id, copy.build_id_size);
                copy.build_id = id;
                if (!id) copy.build_id_size = 0;
            }
            if (!copy.path) return;
            trace->modules[trace->module_count++] = copy;
        }
    }
}

static int compare_process_events(const void *left, const void *right)
{
    const struct snag_process_event *a = left, *b = right;
    if (a->time_ns != b->time_ns) return a->time_ns < b->time_ns ? -1 : 1;
    return a->process < b->process ? -1 : a->process > b->process;
}

/* A child whose own file does not say how it ended (killed by SIGKILL, or
 * still running when its image was replaced... ) gets what its parent's
 * wait saw: the newest image of that pid that started before the wait. */
static void apply_waited_status(struct snag_trace *trace, const struct snag_process_event *event)
{
    struct snag_process_info *child = NULL;
    for (size_t index = 0; index < trace->file_count; index++) {
        struct snag_process_info *candidate = &trace->processes[index];
        if (candidate->pid != event->pid || candidate->start_ns > event->time_ns) continue;
        if (!child || candidate->start_ns >= child->start_ns) child = candidate;
    }
    if (!child || child->exit_kind == SNAG_EXIT_STATUS || child->exit_kind == SNAG_EXIT_SIGNAL) return;
    int status = event->status;
    if ((status & 0x7f) == 0) {
        child->exit_kind = SNAG_EXIT_STATUS;
        child->exit_value = (status >> 8) & 0xff;
    } else if ((status & 0x7f) != 0x7f) {
        child->exit_kind = SNAG_EXIT_SIGNAL;
        child->exit_value = status & 0x7f;
    }
    /* One that never reached exit or the shim's destructor (killed while
     * blocked: its last record is where it stopped, not where it ended) was
     * alive until the wait saw it gone, and so were its threads that did
     * not exit. */
    if (trace->files[child->index].header.end_ticks == 0) {
        if (child->end_ns < event->time_ns) child->end_ns = event->time_ns;
    } else if (child->end_ns > event->time_ns) {
        child->end_ns = event->time_ns;
    }
}

/* Did process `process` fork or spawn `pid` by a call that named it? */
static bool named_child(const struct snag_trace *trace, uint32_t process, int32_t pid)
{
    for (size_t index = 0; index < trace->process_event_count; index++) {
        const struct snag_process_event *event = &trace->process_event_list[index];
        if (event->process == process && event->pid == pid &&
            (event->kind == SNAG_PROCESS_FORK || event->kind == SNAG_PROCESS_SPAWN))
            return true;
    }
    return false;
}

/* system() and popen() record their shell with pid 0 (FORMAT.md). It is
 * the caller's child image that started first after the call began and no
 * fork or spawn of the caller names: taken only when no other such call of
 * the caller still without its child began before that child started, so
 * that two commands are never mixed up. A system() call's wait (WAIT at the same time, then
 * WAITED, on its thread) is that child's too. */
static void resolve_shell_commands(struct snag_trace *trace)
{
    size_t count = trace->process_event_count;
    bool *claimed = calloc(trace->file_count ? trace->file_count : 1, sizeof *claimed);
    if (!claimed) return;
    for (size_t index = 0; index < count; index++) {
        struct snag_process_event *spawn = &trace->process_event_list[index];
        if (spawn->kind != SNAG_PROCESS_SPAWN || spawn->pid != 0) continue;
        const struct snag_process_info *caller = &trace->processes[spawn->process];
        const struct snag_process_info *shell = NULL;
        for (size_t other = 0; other < trace->file_count; other++) {
            const struct snag_process_info *child = &trace->processes[other];
            if (claimed[other] || child->ppid != caller->pid || child->forked || child->exec_from != SNAG_NO_INDEX ||
                child->start_ns < spawn->time_ns || other == spawn->process || (shell && child->start_ns >= shell->start_ns))
                continue;
            if (!named_child(trace, spawn->process, child->pid)) shell = child;
        }
        if (!shell) continue;
        bool ambiguous = false;
        for (size_t other = 0; other < count && !ambiguous; other++) {
            const struct snag_process_event *event = &trace->process_event_list[other];
            /* another command of the caller not told apart yet (earlier ones have their child) */
            ambiguous = other != index && event->kind == SNAG_PROCESS_SPAWN && event->pid == 0 &&
                        event->process == spawn->process && event->time_ns <= shell->start_ns;
        }
        if (ambiguous) continue;
        claimed[shell->index] = true;
        spawn->pid = shell->pid;
        struct snag_process_event *wait = NULL, *waited = NULL;
        for (size_t other = 0; other < count; other++) {
            struct snag_process_event *event = &trace->process_event_list[other];
            if (event->thread != spawn->thread || event->pid != 0) continue;
            if (event->kind == SNAG_PROCESS_WAIT && event->time_ns == spawn->time_ns) wait = event;
            if (event->kind == SNAG_PROCESS_WAITED && event->time_ns >= spawn->time_ns &&
                (!waited || event->time_ns < waited->time_ns))
                waited = event;
        }
        if (wait && waited) wait->pid = waited->pid = shell->pid;
    }
    free(claimed);
}

static void finish_process_events(struct snag_trace *trace)
{
    size_t count = trace->process_event_count;
    trace->process_event_list = calloc(count ? count : 1, sizeof *trace->process_event_list);
    if (!trace->process_event_list) return;
    for (size_t index = 0; index < count; index++) {
        struct pending_process_event *pending = &trace->process_events[index];
        struct snag_process_event *event = &trace->process_event_list[index];
        *event = pending->event;
        event->time_ns = trace_ns(trace, &trace->files[pending->file], pending->ticks);
        event->process = trace->files[pending->file].process;
        event->thread = trace->threads[pending->thread_build].info.index;
    }
    sort(trace->process_event_list, count, sizeof *trace->process_event_list, compare_process_events);
    resolve_shell_commands(trace);
    for (size_t index = 0; index < count; index++)
        if (trace->process_event_list[index].kind == SNAG_PROCESS_WAITED)
            apply_waited_status(trace, &trace->process_event_list[index]);
}

static void finish_deadlocks(struct snag_trace *trace)
{
    if (trace->deadlock_count == 0) return;
    trace->deadlocks = calloc(trace->deadlock_count, sizeof *trace->deadlocks);
    if (!trace->deadlocks) return; /* the API then lists none */
    for (size_t index = 0; index < trace->deadlock_count; index++) {
        struct pending_deadlock *build = &trace->deadlock_builds[index];
        const struct trace_file *file = &trace->files[build->file];
        for (size_t member = 0; member < build->member_count; member++) {
            struct snag_deadlock_member *m = &build->members[member];
            m->since_ns = trace_ns(trace, file, m->since_ns);
            for (uint32_t local = 0; local < file->thread_count; local++)
                if (trace->threads[file->first_thread + local].info.tid == m->tid) m->thread = file->first_thread + local;
        }
        trace->deadlocks[index] = (struct snag_recorded_deadlock){
            .process = build->file,
            .thread = build->thread_build,
            .time_ns = trace_ns(trace, file, build->ticks),
            .member_count = build->member_count,
            .members = build->members,
        };
    }
}

static void finish(struct snag_trace *trace)
{
    /* The trace starts at the launcher's start, or at the earliest process anchor. */
    uint64_t start = UINT64_MAX, realtime = 0;
    if (trace->has_launcher && trace->launcher.start_monotonic_ns) {
        start = trace->launcher.start_monotonic_ns;
        realtime = trace->launcher.start_realtime_ns;
    }
    for (size_t index = 0; index < trace->file_count; index++) {
        const struct trace_file *file = &trace->files[index];
        if (file->header.anchor_monotonic_ns < start) {
            start = file->header.anchor_monotonic_ns;
            realtime = file->header.anchor_realtime_ns;
        }
    }
    trace->start_monotonic_ns = start == UINT64_MAX ? 0 : start;
    trace->start_realtime_ns = realtime;

    for (size_t index = 0; index < trace->file_count; index++) {
        struct trace_file *file = &trace->files[index];
        struct snag_process_info *process = &trace->processes[index];
        const struct snag_file_header *header = &file->header;
        process->index = (uint32_t)index;
        process->pid = header->pid;
        process->ppid = header->ppid;
        process->image_seq = header->image_seq;
        process->forked = (header->flags & SNAG_FILE_FOLLOWS_FORK) != 0;
        process->exit_kind = header->exit_kind;
        process->exit_value = header->exit_value;
        process->dropped_records = header->dropped_records;
        process->file = file->path;
        process->first_thread = file->first_thread;
        process->thread_count = file->thread_count;
        process->start_ns = trace_ns(trace, file, header->anchor_ticks);
        uint64_t end_ticks = header->end_ticks > file->end_ticks ? header->end_ticks : file->end_ticks;
        process->end_ns = trace_ns(trace, file, end_ticks);
        /* A later image of the same pid that was not forked is what an
         * execve turned this one into. */
        bool replaced = false;
        for (size_t later = index + 1; later < trace->file_count; later++)
            if (trace->files[later].header.pid == header->pid &&
                !(trace->files[later].header.flags & SNAG_FILE_FOLLOWS_FORK))
                replaced = true;
        if (replaced && process->exit_kind == SNAG_EXIT_UNKNOWN) process->exit_kind = SNAG_EXIT_EXEC;
        const struct snag_launcher_entry *entry = replaced ? NULL : launcher_entry_for(trace, header->pid);
        if (entry && entry->exit_kind != SNAG_EXIT_UNKNOWN && process->exit_kind != SNAG_EXIT_EXEC) {
            /* The launcher saw how it really ended (a signal, for one). */
            process->exit_kind = entry->exit_kind;
            process->exit_value = entry->exit_value;
            if (entry->end_monotonic_ns > trace->start_monotonic_ns &&
                entry->end_monotonic_ns - trace->start_monotonic_ns > process->end_ns)
                process->end_ns = entry->end_monotonic_ns - trace->start_monotonic_ns;
        }
        if (!process->argv) {
            static const char *const no_argv[] = {"", NULL};
            process->argv = no_argv;
            process->exe = "";
        }
        if (process->end_ns > trace->end_ns) trace->end_ns = process->end_ns;
    }
    /* parents: the newest image of the parent pid that started before the child */
    for (size_t index = 0; index < trace->file_count; index++) {
        struct snag_process_info *process = &trace->processes[index];
        process->parent = SNAG_NO_INDEX;
        /* exec'd from the pid's image just before it, if an exec replaced that one */
        process->exec_from = SNAG_NO_INDEX;
        for (size_t earlier = index; !process->forked && earlier-- > 0;) {
            if (trace->processes[earlier].pid != process->pid) continue;
            if (trace->processes[earlier].exit_kind == SNAG_EXIT_EXEC) process->exec_from = (uint32_t)earlier;
            break;
        }
        int32_t parent_pid = process->forked ? trace->files[index].header.fork_parent_pid : process->ppid;
        for (size_t other = 0; other < trace->file_count; other++) {
            const struct snag_process_info *candidate = &trace->processes[other];
            if (other == index || candidate->pid != parent_pid || candidate->start_ns > process->start_ns) continue;
            if (process->parent == SNAG_NO_INDEX || trace->processes[process->parent].start_ns < candidate->start_ns)
                process->parent = (uint32_t)other;
        }
    }
    for (size_t index = 0; index < trace->thread_count; index++) {
        struct thread_build *thread = &trace->threads[index];
        const struct trace_file *file = &trace->files[thread->file];
        const struct snag_process_info *process = &trace->processes[thread->file];
        thread->info.index = (uint32_t)index;
        thread->info.process = (uint32_t)thread->file;
        thread->info.start_ns = thread->has_ticks ? trace_ns(trace, file, thread->first_ticks) : process->start_ns;
        if (thread->info.is_main && process->start_ns < thread->info.start_ns)
            thread->info.start_ns = process->start_ns;
        if (thread->info.at_end.blocked) thread->info.at_end.since_ns = trace_ns(trace, file, thread->info.at_end.since_ns);
    }
    finish_deadlocks(trace);
    for (size_t index = 0; index < trace->module_count; index++) {
        struct snag_module_info *module = &trace->modules[index];
        module->load_ns = trace_ns(trace, &trace->files[module->process], module->load_ns);
    }
    if (apply_names(trace) != 0) warn(trace, "out of memory: threads are left unnamed");
    inherit_from_parents(trace);
    snag_stack_table_seal(trace->stacks);
    finish_process_events(trace);
    /* After the waits: they tell when a killed process really ended. */
    for (size_t index = 0; index < trace->thread_count; index++) {
        struct thread_build *thread = &trace->threads[index];
        const struct snag_process_info *process = &trace->processes[thread->file];
        /* Without an exit record the thread lived as long as its process. */
        thread->info.end_ns =
            thread->has_exit ? trace_ns(trace, &trace->files[thread->file], thread->exit_ticks) : process->end_ns;
        if (thread->info.end_ns < thread->info.start_ns) thread->info.end_ns = thread->info.start_ns;
        /* nor before its last event (an exit record with a damaged time) */
        if (thread->has_ticks) {
            uint64_t last_ns = trace_ns(trace, &trace->files[thread->file], thread->last_ticks);
            if (thread->info.end_ns < last_ns) thread->info.end_ns = last_ns;
        }
    }
    if (opencl_log_finish(trace->opencl, trace->start_monotonic_ns))
        warn(trace, "out of memory: the OpenCL commands are incomplete");
}

struct snag_trace *snag_trace_open(const char *path, char *error, size_t error_size)
{
    struct snag_trace *trace = calloc(1, sizeof *trace);
    if (trace && !(trace->stacks = snag_stack_table_new())) {
        free(trace);
        trace = NULL;
    }
    if (!trace) {
        set_error(error, error_size, "%s: out of memory", path);
        return NULL;
    }
    char **names = NULL;
    size_t count = 0;
    if (list_files(trace, path, &names, &count, error, error_size)) goto fail;
    trace->files = calloc(count, sizeof *trace->files);
    trace->processes = calloc(count, sizeof *trace->processes);
    if (!trace->files || !trace->processes) {
        set_error(error, error_size, "%s: out of memory", path);
        goto fail;
    }
    /* Map every file first, so that processes can be ordered by their start
     * (an exec'd image's file name sorts before its predecessor's). */
    size_t used = 0;
    for (size_t index = 0; index < count; index++) {
        struct trace_file *file = &trace->files[used];
        file->path = names[index];
        names[index] = NULL;
        trace->file_count = used + 1;
        if (map_file(file->path, &file->data, &file->size, error, error_size)) goto fail;
        /* A process that died while creating its file leaves an empty or
         * zero header: it recorded nothing, which is no reason to refuse the rest. */
        if (count > 1 && (file->size == 0 || (file->size >= 8 && all_zero(file->data, 8)))) {
            warn(trace, "%s: empty (the process ended before it recorded anything); skipped", file->path);
            if (file->size) munmap((void *)file->data, file->size);
            free(file->path);
            memset(file, 0, sizeof *file);
            trace->file_count = used;
            continue;
        }
        if (file->size >= sizeof file->header) memcpy(&file->header, file->data, sizeof file->header);
        used++;
    }
    trace->file_count = used;
    sort(trace->files, used, sizeof *trace->files, compare_files);
    for (size_t index = 0; index < used; index++) {
        trace->files[index].process = (uint32_t)index;
        if (load_file(trace, (uint32_t)index, error, error_size)) goto fail;
    }
    trace->file_count = used;
    if (used == 0) {
        set_error(error, error_size, "%s: every process file is empty: the program recorded nothing", path);
        goto fail;
    }
    free(names);
    names = NULL;
    finish(trace);
    trace->thread_infos = calloc(trace->thread_count ? trace->thread_count : 1, sizeof *trace->thread_infos);
    if (!trace->thread_infos) {
        set_error(error, error_size, "%s: out of memory", path);
        goto fail;
    }
    for (size_t index = 0; index < trace->thread_count; index++) trace->thread_infos[index] = trace->threads[index].info;
    return trace;
fail:
    if (names)
        for (size_t index = 0; index < count; index++) free(names[index]);
    free(names);
    snag_trace_close(trace);
    return NULL;
}

void snag_trace_close(struct snag_trace *trace)
{
    if (!trace) return;
    for (size_t index = 0; index < trace->file_count; index++) {
        if (trace->files[index].size) munmap((void *)trace->files[index].data, trace->files[index].size);
        free(trace->files[index].path);
    }
    for (size_t index = 0; index < trace->thread_count; index++) free(trace->threads[index].chunks);
    for (size_t index = 0; index < trace->module_count; index++) {
        free((void *)trace->modules[index].path);
        free((void *)trace->modules[index].build_id);
    }
    for (size_t index = 0; index < trace->name_count; index++) free(trace->names[index].name);
    for (size_t index = 0; index < trace->deadlock_count; index++) free(trace->deadlock_builds[index].members);
    free(trace->deadlock_builds);
    free(trace->deadlocks);
    for (size_t index = 0; index < trace->semaphore_count; index++) free(trace->semaphores[index].name);
    for (size_t index = 0; index < trace->process_event_count; index++)
        free((void *)trace->process_events[index].event.path);
    free(trace->process_events);
    free(trace->process_event_list);
    for (size_t index = 0; index < trace->warning_count; index++) free(trace->warnings[index]);
    for (size_t index = 0; index < trace->argv_storage_count; index++) {
        char **argv = (char **)trace->argv_storage[index];
        for (size_t arg = 0; argv[arg]; arg++) free(argv[arg]);
        free(argv);
    }
    free(trace->argv_storage);
    free(trace->files);
    free(trace->processes);
    free(trace->threads);
    free(trace->thread_infos);
    free(trace->modules);
    free(trace->names);
    free(trace->semaphores);
    free(trace->warnings);
    free(trace->launcher_entries);
    snag_stack_table_free(trace->stacks);
    opencl_log_free(trace->opencl);
    free(trace);
}

size_t snag_trace_warning_count(const struct snag_trace *trace) { return trace->warning_count; }
const char *snag_trace_warning(const struct snag_trace *trace, size_t index)
{
    return index < trace->warning_count ? trace->warnings[index] : NULL;
}
uint64_t snag_trace_start_monotonic_ns(const struct snag_trace *trace) { return trace->start_monotonic_ns; }
uint64_t snag_trace_start_realtime_ns(const struct snag_trace *trace) { return trace->start_realtime_ns; }
uint64_t snag_trace_end_ns(const struct snag_trace *trace) { return trace->end_ns; }
uint64_t snag_trace_event_count(const struct snag_trace *trace) { return trace->event_count; }
const struct snag_opencl_log *snag_trace_opencl(const struct snag_trace *trace)
{
    return opencl_log_or_empty(trace->opencl);
}
size_t snag_trace_process_count(const struct snag_trace *trace) { return trace->file_count; }
const struct snag_process_info *snag_trace_process(const struct snag_trace *trace, size_t index)
{
    return index < trace->file_count ? &trace->processes[index] : NULL;
}
size_t snag_trace_thread_count(const struct snag_trace *trace) { return trace->thread_count; }
const struct snag_thread_info *snag_trace_thread(const struct snag_trace *trace, size_t index)
{
    return index < trace->thread_count ? &trace->thread_infos[index] : NULL;
}
size_t snag_trace_module_count(const struct snag_trace *trace) { return trace->module_count; }
const struct snag_module_info *snag_trace_module(const struct snag_trace *trace, size_t index)
{
    return index < trace->module_count ? &trace->modules[index] : NULL;
}

size_t snag_trace_process_event_count(const struct snag_trace *trace)
{
    return trace->process_event_list ? trace->process_event_count : 0;
}

const struct snag_process_event *snag_trace_process_event(const struct snag_trace *trace, size_t index)
{
    return index < snag_trace_process_event_count(trace) ? &trace->process_event_list[index] : NULL;
}

const struct snag_stack_table *snag_trace_stack_table(const struct snag_trace *trace)
{
    return trace->stacks;
}

const char *snag_trace_semaphore_name(const struct snag_trace *trace, uint32_t process, uint64_t address)
{
    for (size_t index = trace->semaphore_count; index-- > 0;)
        if (trace->semaphores[index].process == process && trace->semaphores[index].address == address)
            return trace->semaphores[index].name;
    return NULL;
}

/* ---- event cursors ---- */

struct thread_cursor {
    const struct snag_trace *trace;
    const struct thread_build *thread;
    const struct trace_file *file;
    size_t chunk;
    uint64_t offset;
    struct snag_event current;
    bool has_current;
    uint8_t last_class;   /* of the last object record: what a short release releases */
    uint64_t last_object;
    struct snag_event acquired; /* the chunk's last full acquisition: what a re-acquisition repeats */
    bool has_pending_release;       /* the release half of a REACQUIRE_RELEASE is still to return */
    uint64_t pending_release_ticks;
};

struct snag_event_cursor {
    struct thread_cursor *threads;
    size_t thread_count;
    size_t *heap; /* indexes into threads, ordered by current event time */
    size_t heap_size;
};

/* The release a short record describes: of what the cursor's last object
 * record acquired, without call site. */
static void release_previous(struct thread_cursor *cursor, uint64_t ticks)
{
    struct snag_event *event = &cursor->current;
    event->time_ns = trace_ns(cursor->trace, cursor->file, ticks);
    event->thread = cursor->thread->info.index;
    event->process = cursor->file->process;
    event->object_class = cursor->last_class;
    event->op = SNAG_OP_RELEASE;
    event->object = cursor->last_object;
    event->site = 0;
    event->aux = 0;
    event->stack = 0;
}

/* Decodes the thread's next event into cursor->current. */
static bool thread_cursor_advance(struct thread_cursor *cursor)
{
    const struct thread_build *thread = cursor->thread;
    const struct trace_file *file = cursor->file;
    uint64_t spelled_site = 0, spelled_object = 0;
    bool has_spelled_object = false, by_try = false;
    uint32_t stack_ref = 0; /* a STACK_REF for the next object record of this chunk */
    if (cursor->has_pending_release) {
        release_previous(cursor, cursor->pending_release_ticks);
        cursor->has_pending_release = false;
        return true;
    }
    while (cursor->chunk < thread->chunk_count) {
        const struct chunk_ref *chunk = &thread->chunks[cursor->chunk];
        if (cursor->offset < chunk->records_offset) cursor->offset = chunk->records_offset;
        while (cursor->offset + 8 <= chunk->valid_end) {
            const uint8_t *record = file->data + cursor->offset;
            uint64_t word0 = load64(record);
            uint8_t type = (uint8_t)word0;
            if (SNAG_RECORD_IS_SHORT(type)) {
                cursor->offset += 8;
                stack_ref = 0; /* the shim never puts one before a short record */
                struct snag_event *event = &cursor->current;
                if (type == SNAG_REC_BY_TRY) {
                    by_try = true;
                    continue;
                }
                if (type == SNAG_REC_REACQUIRE || type == SNAG_REC_REACQUIRE_RELEASE) {
                    uint64_t ticks = word0 >> 8;
                    if (type == SNAG_REC_REACQUIRE_RELEASE) {
                        ticks = chunk->first_ticks + SNAG_PAIR_OFFSET(word0);
                        cursor->pending_release_ticks = ticks + SNAG_PAIR_HOLD(word0);
                        cursor->has_pending_release = true;
                    }
                    *event = cursor->acquired;
                    event->stack = 0; /* the stack, if any, was the first acquisition's */
                    event->time_ns = trace_ns(cursor->trace, file, ticks);
                    event->aux = by_try ? SNAG_EVENT_BY_TRY : 0;
                    cursor->last_class = event->object_class;
                    cursor->last_object = event->object;
                    return true;
                }
                if (type != SNAG_REC_RELEASE_PREVIOUS) continue;
                release_previous(cursor, word0 >> 8);
                return true;
            }
            uint64_t word1 = load64(record + 8);
            if (type >= SNAG_RECORD_VARIABLE) {
                cursor->offset += word1 & 0xffffffffu; /* checked when the trace was opened */
                continue;
            }
            cursor->offset += 16;
            unsigned object_class = type >> 4, op = type & 0xf;
            if (object_class == SNAG_CLASS_CONTROL) {
                if (type == SNAG_REC_SITE) spelled_site = word1;
                else if (type == SNAG_REC_STACK_REF) stack_ref = (uint32_t)word1;
                else if (type == SNAG_REC_OBJECT) {
                    spelled_object = word1;
                    has_spelled_object = true;
                }
                continue;
            }
            struct snag_event *event = &cursor->current;
            uint16_t aux = (uint16_t)(word1 >> 48);
            event->time_ns = trace_ns(cursor->trace, file, word0 >> 8);
            event->thread = thread->info.index;
            event->process = file->process;
            event->object_class = (uint8_t)object_class;
            event->op = (uint8_t)op;
            event->object = has_spelled_object ? spelled_object : (word1 & SNAG_ADDRESS_MASK);
            event->stack = stack_ref ? snag_stack_table_canonical(cursor->trace->stacks, file->process, stack_ref) : 0;
            if (op_has_site(op)) {
                event->site = resolve_site(file, aux, spelled_site);
                event->aux = 0;
            } else {
                event->site = 0;
                event->aux = aux;
            }
            cursor->last_class = (uint8_t)object_class;
            cursor->last_object = event->object;
            if ((op == SNAG_OP_ACQUIRE || op == SNAG_OP_ACQUIRE_SHARED) && object_class != SNAG_CLASS_THREAD) {
                if (by_try) event->aux = SNAG_EVENT_BY_TRY;
                cursor->acquired = *event; /* complete, site included: a REACQUIRE repeats it */
            }
            return true;
        }
        cursor->chunk++;
        cursor->offset = 0;
        stack_ref = 0; /* never carried into another chunk */
    }
    return false;
}

static void thread_cursor_init(struct thread_cursor *cursor, const struct snag_trace *trace, uint32_t thread)
{
    memset(cursor, 0, sizeof *cursor);
    cursor->trace = trace;
    cursor->thread = &trace->threads[thread];
    cursor->file = &trace->files[trace->threads[thread].file];
    cursor->has_current = thread_cursor_advance(cursor);
}

static bool heap_less(const struct snag_event_cursor *cursor, size_t left, size_t right)
{
    const struct snag_event *a = &cursor->threads[cursor->heap[left]].current;
    const struct snag_event *b = &cursor->threads[cursor->heap[right]].current;
    return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->thread < b->thread);
}

static void heap_swap(struct snag_event_cursor *cursor, size_t left, size_t right)
{
    size_t kept = cursor->heap[left];
    cursor->heap[left] = cursor->heap[right];
    cursor->heap[right] = kept;
}

static void heap_down(struct snag_event_cursor *cursor, size_t index)
{
    for (;;) {
        size_t smallest = index, left = 2 * index + 1, right = left + 1;
        if (left < cursor->heap_size && heap_less(cursor, left, smallest)) smallest = left;
        if (right < cursor->heap_size && heap_less(cursor, right, smallest)) smallest = right;
        if (smallest == index) return;
        heap_swap(cursor, index, smallest);
        index = smallest;
    }
}

static struct snag_event_cursor *cursor_new(const struct snag_trace *trace, uint32_t first, uint32_t count)
{
    struct snag_event_cursor *cursor = calloc(1, sizeof *cursor);
    if (!cursor) return NULL;
    cursor->threads = calloc(count ? count : 1, sizeof *cursor->threads);
    cursor->heap = calloc(count ? count : 1, sizeof *cursor->heap);
    if (!cursor->threads || !cursor->heap) {
        snag_event_cursor_free(cursor);
        return NULL;
    }
    cursor->thread_count = count;
    for (uint32_t index = 0; index < count; index++) {
        thread_cursor_init(&cursor->threads[index], trace, first + index);
        if (cursor->threads[index].has_current) cursor->heap[cursor->heap_size++] = index;
    }
    for (size_t index = cursor->heap_size / 2; index-- > 0;) heap_down(cursor, index);
    return cursor;
}

struct snag_event_cursor *snag_events_all(const struct snag_trace *trace)
{
    return cursor_new(trace, 0, (uint32_t)trace->thread_count);
}

struct snag_event_cursor *snag_events_of_thread(const struct snag_trace *trace, uint32_t thread)
{
    if (thread >= trace->thread_count) return NULL;
    return cursor_new(trace, thread, 1);
}

int snag_event_next(struct snag_event_cursor *cursor, struct snag_event *event)
{
    if (!cursor || cursor->heap_size == 0) return 0;
    struct thread_cursor *thread = &cursor->threads[cursor->heap[0]];
    *event = thread->current;
    thread->has_current = thread_cursor_advance(thread);
    if (!thread->has_current) cursor->heap[0] = cursor->heap[--cursor->heap_size];
    heap_down(cursor, 0);
    return 1;
}

void snag_event_cursor_free(struct snag_event_cursor *cursor)
{
    if (!cursor) return;
    free(cursor->threads);
    free(cursor->heap);
    free(cursor);
}

size_t snag_trace_deadlock_count(const struct snag_trace *trace)
{
    return trace->deadlocks ? trace->deadlock_count : 0;
}

const struct snag_recorded_deadlock *snag_trace_deadlock(const struct snag_trace *trace, size_t index)
{
    return index < snag_trace_deadlock_count(trace) ? &trace->deadlocks[index] : NULL;
}

uint64_t snag_trace_hang_timeout_ns(const struct snag_trace *trace)
{
    return trace->has_launcher ? trace->launcher.hang_timeout_ns : 0;
}
