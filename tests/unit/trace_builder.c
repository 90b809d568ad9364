/* A test-side writer of snag traces (see trace_builder.h). */
#define _GNU_SOURCE
#include "trace_builder.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tb_thread {
    uint32_t index;
    int32_t tid;
    uint32_t next_seq;
    size_t chunk;  /* current chunk, valid if has_chunk */
    size_t used;   /* bytes used in it, chunk header included */
    int has_chunk;
};

struct tb_file {
    struct snag_file_header header;
    uint64_t sites[SNAG_SITE_TABLE_ENTRIES];
    struct snag_wait_slot wait_slots[SNAG_WAIT_TABLE_ENTRIES];
    uint32_t chunk_size;   /* layout chunk size, fixed at the first chunk */
    uint8_t *chunks;       /* chunk_count * chunk_size bytes */
    size_t chunk_count;
    struct tb_thread *threads;
    size_t thread_count;
};

static void tb_die(const char *what)
{
    fprintf(stderr, "trace_builder: %s\n", what);
    abort();
}

static void *tb_realloc(void *memory, size_t size)
{
    void *bigger = realloc(memory, size ? size : 1);
    if (!bigger) tb_die("out of memory");
    return bigger;
}

struct tb_file *tb_begin(int32_t pid, int32_t ppid)
{
    struct tb_file *file = calloc(1, sizeof *file);
    if (!file) tb_die("out of memory");
    struct snag_file_header *header = &file->header;
    memcpy(header->magic, SNAG_FILE_MAGIC, 8);
    header->format_version = SNAG_FORMAT_VERSION;
    header->header_size = SNAG_FILE_HEADER_SIZE;
    header->chunk_size = TB_CHUNK_SIZE;
    header->clock_source = SNAG_CLOCK_MONOTONIC;
    header->tick_hz = 1000000000u;
    header->anchor_monotonic_ns = TB_ANCHOR_MONOTONIC_NS;
    header->anchor_realtime_ns = TB_ANCHOR_REALTIME_NS;
    header->pid = pid;
    header->ppid = ppid;
    header->site_table_offset = TB_SITE_TABLE_OFFSET;
    header->site_table_entries = SNAG_SITE_TABLE_ENTRIES;
    header->first_chunk_offset = TB_FIRST_CHUNK_OFFSET;
    header->wait_table_offset = TB_WAIT_TABLE_OFFSET;
    header->wait_table_entries = SNAG_WAIT_TABLE_ENTRIES;
    header->wait_slot_size = sizeof(struct snag_wait_slot);
    return file;
}

void tb_free(struct tb_file *file)
{
    if (!file) return;
    free(file->chunks);
    free(file->threads);
    free(file);
}

struct snag_file_header *tb_header(struct tb_file *file) { return &file->header; }

struct snag_wait_slot *tb_wait_slot(struct tb_file *file, unsigned index)
{
    if (index >= SNAG_WAIT_TABLE_ENTRIES) tb_die("wait slot out of range");
    return &file->wait_slots[index];
}

static struct tb_thread *thread_for(struct tb_file *file, uint32_t index)
{
    if (index == 0) tb_die("thread indexes start at 1");
    for (size_t at = 0; at < file->thread_count; at++)
        if (file->threads[at].index == index) return &file->threads[at];
    file->threads = tb_realloc(file->threads, (file->thread_count + 1) * sizeof *file->threads);
    struct tb_thread *thread = &file->threads[file->thread_count++];
    memset(thread, 0, sizeof *thread);
    thread->index = index;
    thread->tid = file->header.pid + (int32_t)index - 1;
    return thread;
}

void tb_thread(struct tb_file *file, uint32_t thread_index, int32_t tid)
{
    thread_for(file, thread_index)->tid = tid;
}

void tb_add_thread(struct tb_file *file, uint32_t thread_index, uint64_t ticks, uint64_t pthread_self, int32_t tid,
                   int is_main)
{
    tb_thread(file, thread_index, tid);
    tb_thread_info(file, thread_index, ticks, pthread_self, tid, is_main);
}

uint16_t tb_site(struct tb_file *file, uint64_t address)
{
    if (address == 0) return SNAG_SITE_NONE;
    for (uint32_t slot = 0; slot < SNAG_SITE_TABLE_ENTRIES; slot++) {
        if (file->sites[slot] == address) return (uint16_t)(slot + 1);
        if (file->sites[slot] == 0) {
            file->sites[slot] = address;
            return (uint16_t)(slot + 1);
        }
    }
    tb_die("site table full");
    return 0;
}

void tb_set_site(struct tb_file *file, uint16_t id, uint64_t address)
{
    if (id == 0 || id > SNAG_SITE_TABLE_ENTRIES) tb_die("site id out of range");
    file->sites[id - 1] = address;
}

static uint8_t *chunk_at(const struct tb_file *file, size_t chunk)
{
    return file->chunks + chunk * (size_t)file->chunk_size;
}

/* The next chunk of the file, zeroed, with no header (magic 0). */
static size_t take_chunk(struct tb_file *file)
{
    if (file->chunk_count == 0) {
        file->chunk_size = file->header.chunk_size;
        if (file->chunk_size < 4096 || file->chunk_size % 4096) tb_die("chunk size must be a multiple of 4096");
    }
    size_t chunk = file->chunk_count++;
    file->chunks = tb_realloc(file->chunks, file->chunk_count * (size_t)file->chunk_size);
    memset(chunk_at(file, chunk), 0, file->chunk_size);
    file->header.chunk_count++;
    return chunk;
}

void tb_unwritten_chunk(struct tb_file *file) { (void)take_chunk(file); }

void tb_copy_chunk(struct tb_file *file, size_t chunk)
{
    if (chunk >= file->chunk_count) tb_die("no such chunk to copy");
    size_t copy = take_chunk(file);
    memcpy(chunk_at(file, copy), chunk_at(file, chunk), file->chunk_size);
}

/* Room for `size` bytes in the thread's chunk: where they go. */
static uint8_t *reserve(struct tb_file *file, uint32_t index, uint64_t ticks, size_t size)
{
    struct tb_thread *thread = thread_for(file, index);
    if (size % 8) tb_die("records are multiples of 8 bytes");
    if (!thread->has_chunk || thread->used + size > file->chunk_size) {
        /* The rest of the old chunk stays zero: the reader's end mark. */
        thread->chunk = take_chunk(file);
        if (size > file->chunk_size - SNAG_CHUNK_HEADER_SIZE) tb_die("record larger than a chunk");
        struct snag_chunk_header header = {
            .magic = SNAG_CHUNK_MAGIC,
            .thread_index = thread->index,
            .tid = thread->tid,
            .chunk_seq = thread->next_seq++,
            .first_ticks = ticks,
        };
        memcpy(chunk_at(file, thread->chunk), &header, sizeof header);
        thread->used = SNAG_CHUNK_HEADER_SIZE;
        thread->has_chunk = 1;
    }
    uint8_t *at = chunk_at(file, thread->chunk) + thread->used;
    thread->used += size;
    return at;
}

static uint64_t word0_of(uint8_t type, uint64_t ticks)
{
    if (ticks > SNAG_TICKS_MAX) tb_die("ticks beyond 56 bits");
    return (uint64_t)type | ticks << 8;
}

void tb_record(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type, uint64_t word1)
{
    uint64_t words[2] = {word0_of(type, ticks), word1};
    memcpy(reserve(file, thread, ticks, sizeof words), words, sizeof words);
}

void tb_short(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type)
{
    if (!SNAG_RECORD_IS_SHORT(type)) tb_die("short record types are 0x08..0x0f");
    uint64_t word0 = word0_of(type, ticks);
    memcpy(reserve(file, thread, ticks, 8), &word0, 8);
}

void tb_pair(struct tb_file *file, uint32_t thread, uint64_t acquire_ticks, uint64_t release_ticks)
{
    struct tb_thread *state = thread_for(file, thread);
    if (!state->has_chunk) tb_die("a REACQUIRE_RELEASE needs an acquisition before it in its chunk");
    uint64_t first_ticks;
    memcpy(&first_ticks, chunk_at(file, state->chunk) + offsetof(struct snag_chunk_header, first_ticks), 8);
    if (acquire_ticks < first_ticks || acquire_ticks - first_ticks > SNAG_PAIR_OFFSET_MAX ||
        release_ticks < acquire_ticks || release_ticks - acquire_ticks > SNAG_PAIR_HOLD_MAX)
        tb_die("a REACQUIRE_RELEASE cannot hold these times");
    uint64_t word0 = SNAG_PAIR_WORD(acquire_ticks - first_ticks, release_ticks - acquire_ticks);
    memcpy(reserve(file, thread, acquire_ticks, 8), &word0, 8);
}

void tb_words(struct tb_file *file, uint32_t thread, const uint64_t *words, size_t count)
{
    memcpy(reserve(file, thread, 0, count * 8), words, count * 8);
}

void tb_event_aux(struct tb_file *file, uint32_t thread, uint64_t ticks, unsigned object_class, unsigned op,
                  uint64_t object, uint16_t aux)
{
    if (object_class > 7 || op > 15) tb_die("no such fixed record type");
    uint64_t address = object;
    if (address >> SNAG_ADDRESS_BITS) {
        tb_record(file, thread, ticks, SNAG_REC_OBJECT, object);
        address = 0;
    }
    tb_record(file, thread, ticks, SNAG_TYPE(object_class, op), address | (uint64_t)aux << 48);
}

void tb_event(struct tb_file *file, uint32_t thread, uint64_t ticks, unsigned object_class, unsigned op,
              uint64_t object, uint64_t site)
{
    tb_event_aux(file, thread, ticks, object_class, op, object, tb_site(file, site));
}

void tb_event_site_in_record(struct tb_file *file, uint32_t thread, uint64_t ticks, unsigned object_class,
                             unsigned op, uint64_t object, uint64_t site)
{
    tb_record(file, thread, ticks, SNAG_REC_SITE, site);
    tb_event_aux(file, thread, ticks, object_class, op, object, SNAG_SITE_IN_RECORD);
}

void tb_variable(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type, uint32_t word1_high,
                 const void *payload, size_t size)
{
    if (type < SNAG_RECORD_VARIABLE) tb_die("variable record types are >= 0x80");
    size_t total = 16 + ((size + 7) & ~(size_t)7);
    uint8_t *at = reserve(file, thread, ticks, total);
    uint64_t words[2] = {word0_of(type, ticks), (uint64_t)total | (uint64_t)word1_high << 32};
    memcpy(at, words, sizeof words);
    if (size) memcpy(at + 16, payload, size);
    memset(at + 16 + size, 0, total - 16 - size);
}

void tb_thread_info(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t pthread_self, int32_t tid,
                    int is_main)
{
    struct snag_thread_record record = {
        .pthread_self = pthread_self,
        .tid = tid,
        .is_main = is_main ? 1u : 0u,
    };
    tb_variable(file, thread, ticks, SNAG_REC_THREAD_INFO, 0, &record, sizeof record);
}

/* u64 then a NUL-terminated string: THREAD_NAME and SEM_NAME. */
static void tagged_name(struct tb_file *file, uint32_t thread, uint64_t ticks, uint8_t type, uint64_t tag,
                        const char *name)
{
    size_t length = strlen(name);
    uint8_t *payload = tb_realloc(NULL, 8 + length + 1);
    memcpy(payload, &tag, 8);
    memcpy(payload + 8, name, length + 1);
    tb_variable(file, thread, ticks, type, 0, payload, 8 + length + 1);
    free(payload);
}

void tb_thread_name(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t pthread_self, const char *name)
{
    tagged_name(file, thread, ticks, SNAG_REC_THREAD_NAME, pthread_self, name);
}

void tb_sem_name(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t address, const char *name)
{
    tagged_name(file, thread, ticks, SNAG_REC_SEM_NAME, address, name);
}

void tb_opencl_object(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t kind, uint64_t handle,
                      uint64_t parent, const char *name)
{
    struct {
        struct snag_opencl_object_record record;
        char name[32];
    } payload = {{.handle = handle, .parent = parent, .kind = kind}, ""};
    size_t length = strnlen(name, sizeof payload.name - 1);
    memcpy(payload.name, name, length);
    tb_variable(file, thread, ticks, SNAG_REC_OPENCL_OBJECT, 0, &payload, sizeof payload.record + length + 1);
}

void tb_module(struct tb_file *file, uint32_t thread, uint64_t ticks, uint64_t base, uint64_t low, uint64_t high,
               const void *build_id, uint16_t build_id_size, const char *path)
{
    size_t path_size = strlen(path) + 1;
    if (path_size > UINT16_MAX) tb_die("module path too long");
    struct snag_module_record head = {
        .base_address = base,
        .low_address = low,
        .high_address = high,
        .build_id_size = build_id_size,
        .path_size = (uint16_t)path_size,
    };
    size_t size = sizeof head + build_id_size + path_size;
    uint8_t *payload = tb_realloc(NULL, size);
    memcpy(payload, &head, sizeof head);
    if (build_id_size) memcpy(payload + sizeof head, build_id, build_id_size);
    memcpy(payload + sizeof head + build_id_size, path, path_size);
    tb_variable(file, thread, ticks, SNAG_REC_MODULE, 0, payload, size);
    free(payload);
}

void tb_process_info(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t argc, const char *const *argv,
                     const char *exe)
{
    size_t strings_size = strlen(exe) + 1;
    for (uint32_t index = 0; index < argc; index++) strings_size += strlen(argv[index]) + 1;
    struct snag_process_record head = {.argc = argc, .strings_size = (uint32_t)strings_size};
    uint8_t *payload = tb_realloc(NULL, sizeof head + strings_size);
    memcpy(payload, &head, sizeof head);
    size_t offset = sizeof head;
    for (uint32_t index = 0; index <= argc; index++) {
        const char *string = index < argc ? argv[index] : exe;
        size_t length = strlen(string) + 1;
        memcpy(payload + offset, string, length);
        offset += length;
    }
    tb_variable(file, thread, ticks, SNAG_REC_PROCESS_INFO, 0, payload, offset);
    free(payload);
}

void tb_process_event(struct tb_file *file, uint32_t thread, uint64_t ticks, uint32_t kind, int32_t pid,
                      int32_t status, const char *path)
{
    struct snag_process_event_record head = {.kind = kind, .pid = pid, .status = status};
    size_t path_size = strlen(path) + 1;
    uint8_t *payload = tb_realloc(NULL, sizeof head + path_size);
    memcpy(payload, &head, sizeof head);
    memcpy(payload + sizeof head, path, path_size);
    tb_variable(file, thread, ticks, SNAG_REC_PROCESS_EVENT, 0, payload, sizeof head + path_size);
    free(payload);
}

size_t tb_chunk_count(const struct tb_file *file) { return file->chunk_count; }

struct snag_chunk_header *tb_chunk_header(struct tb_file *file, size_t chunk)
{
    if (chunk >= file->chunk_count) tb_die("no such chunk");
    return (struct snag_chunk_header *)chunk_at(file, chunk);
}

uint64_t tb_next_offset(const struct tb_file *file, uint32_t thread_index, size_t size)
{
    for (size_t at = 0; at < file->thread_count; at++) {
        const struct tb_thread *thread = &file->threads[at];
        if (thread->index != thread_index) continue;
        if (!thread->has_chunk || thread->used + size > file->chunk_size) return 0;
        return TB_FIRST_CHUNK_OFFSET + (uint64_t)thread->chunk * file->chunk_size + thread->used;
    }
    return 0;
}

uint8_t *tb_image(const struct tb_file *file, size_t *size)
{
    size_t chunk_bytes = file->chunk_count * (size_t)file->chunk_size;
    *size = TB_FIRST_CHUNK_OFFSET + chunk_bytes;
    uint8_t *image = calloc(1, *size);
    if (!image) tb_die("out of memory");
    memcpy(image, &file->header, sizeof file->header); /* the rest of the page stays zero */
    memcpy(image + TB_SITE_TABLE_OFFSET, file->sites, sizeof file->sites);
    memcpy(image + TB_WAIT_TABLE_OFFSET, file->wait_slots, sizeof file->wait_slots);
    if (chunk_bytes) memcpy(image + TB_FIRST_CHUNK_OFFSET, file->chunks, chunk_bytes);
    return image;
}

int tb_write(const struct tb_file *file, const char *path)
{
    size_t size;
    uint8_t *image = tb_image(file, &size);
    int result = tb_write_bytes(path, image, size);
    free(image);
    return result;
}

int tb_write_into(const struct tb_file *file, const char *directory)
{
    char name[64];
    if (file->header.image_seq)
        snprintf(name, sizeof name, "%d.%u%s", (int)file->header.pid, file->header.image_seq,
                 SNAG_PROCESS_FILE_SUFFIX);
    else snprintf(name, sizeof name, "%d%s", (int)file->header.pid, SNAG_PROCESS_FILE_SUFFIX);
    char *path = tb_join(directory, name);
    int result = tb_write(file, path);
    free(path);
    return result;
}

void tb_launcher_defaults(struct snag_launcher_header *header, int32_t child_pid)
{
    memset(header, 0, sizeof *header);
    memcpy(header->magic, SNAG_LAUNCHER_MAGIC, 8);
    header->format_version = SNAG_FORMAT_VERSION;
    header->tick_hz = 1000000000u;
    header->clock_source = SNAG_CLOCK_MONOTONIC;
    header->child_pid = child_pid;
    header->start_monotonic_ns = TB_ANCHOR_MONOTONIC_NS;
    header->start_realtime_ns = TB_ANCHOR_REALTIME_NS;
}

int tb_write_launcher(const char *directory, const struct snag_launcher_header *header,
                      const struct snag_launcher_entry *entries, uint32_t count)
{
    struct snag_launcher_header copy = *header;
    copy.entry_count = count;
    size_t size = sizeof copy + (size_t)count * sizeof *entries;
    uint8_t *bytes = tb_realloc(NULL, size);
    memcpy(bytes, &copy, sizeof copy);
    if (count) memcpy(bytes + sizeof copy, entries, (size_t)count * sizeof *entries);
    char *path = tb_join(directory, SNAG_LAUNCHER_FILE);
    int result = tb_write_bytes(path, bytes, size);
    free(path);
    free(bytes);
    return result;
}

char *tb_temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *path;
    if (asprintf(&path, "%s/snag-unit-XXXXXX", base && *base ? base : "/tmp") < 0) tb_die("out of memory");
    if (!mkdtemp(path)) tb_die("mkdtemp failed");
    return path;
}

char *tb_join(const char *directory, const char *name)
{
    char *path;
    if (asprintf(&path, "%s/%s", directory, name) < 0) tb_die("out of memory");
    return path;
}

int tb_write_bytes(const char *path, const void *bytes, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    const uint8_t *at = bytes;
    size_t left = size;
    while (left) {
        ssize_t written = write(fd, at, left);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            close(fd);
            return -1;
        }
        at += written;
        left -= (size_t)written;
    }
    return close(fd);
}

static int remove_entry(const char *path, const struct stat *status, int kind, struct FTW *walk)
{
    (void)status;
    (void)kind;
    (void)walk;
    return remove(path);
}

void tb_remove_tree(const char *directory)
{
    if (directory) nftw(directory, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
