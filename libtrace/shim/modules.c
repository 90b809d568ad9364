/* Process and module metadata records (see modules.h). */
#define _GNU_SOURCE
#include "modules.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "writer.h"

#define MAX_KNOWN_MODULES 4096u
#define MAX_PROCESS_STRINGS 8192u
#define MAX_BUILD_ID 64u

/* Modules already recorded in this file, by load bias and lowest address;
 * filled under recording_lock so two dlopen()s at once record each once. */
static struct {
    uint64_t base, low;
} known[MAX_KNOWN_MODULES];
static unsigned known_count;
static atomic_flag recording_lock = ATOMIC_FLAG_INIT;

/* argv from the kernel, when the constructor's arguments are not at hand. */
static size_t read_command_line(char *strings, size_t size, uint32_t *count)
{
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t got = read(fd, strings, size - 1);
    close(fd);
    if (got <= 0) return 0;
    size_t used = (size_t)got;
    if (strings[used - 1] != '\0') strings[used++] = '\0';
    *count = 0;
    for (size_t index = 0; index < used; index++) *count += strings[index] == '\0';
    return used;
}

void snag_record_process_info(int argc, char **argv)
{
    char strings[MAX_PROCESS_STRINGS];
    size_t used = 0;
    uint32_t recorded = 0;
    if (!argv) used = read_command_line(strings, sizeof strings - 1024, &recorded);
    for (int index = 0; argv && index < argc && argv[index]; index++) {
        size_t length = strnlen(argv[index], 1024);
        if (used + length + 1 > sizeof strings - 1024) break; /* keep room for the exe path */
        memcpy(strings + used, argv[index], length);
        strings[used + length] = '\0';
        used += length + 1;
        recorded++;
    }
    ssize_t length = readlink("/proc/self/exe", strings + used, sizeof strings - used - 1);
    if (length < 0) length = 0;
    strings[used + (size_t)length] = '\0';
    used += (size_t)length + 1;
    struct snag_process_record head = {.argc = recorded, .strings_size = (uint32_t)used};
    snag_emit_variable2(SNAG_REC_PROCESS_INFO, 0, &head, sizeof head, strings, used);
}

static size_t find_build_id(const struct dl_phdr_info *info, unsigned char *out)
{
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        if (segment->p_type != PT_NOTE) continue;
        const char *note = (const char *)(info->dlpi_addr + segment->p_vaddr);
        const char *end = note + segment->p_memsz;
        while (note + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *header = (const ElfW(Nhdr) *)note;
            size_t name_size = (header->n_namesz + 3u) & ~3u;
            size_t descriptor_size = (header->n_descsz + 3u) & ~3u;
            const char *descriptor = note + sizeof *header + name_size;
            if (descriptor + descriptor_size > end) break;
            if (header->n_type == NT_GNU_BUILD_ID && header->n_namesz == 4 &&
                memcmp(note + sizeof *header, "GNU", 4) == 0) {
                size_t size = header->n_descsz < MAX_BUILD_ID ? header->n_descsz : MAX_BUILD_ID;
                memcpy(out, descriptor, size);
                return size;
            }
            note = descriptor + descriptor_size;
        }
    }
    return 0;
}

static int record_module(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    uint64_t low = UINT64_MAX, high = 0;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        if (segment->p_type != PT_LOAD) continue;
        uint64_t start = info->dlpi_addr + segment->p_vaddr;
        if (start < low) low = start;
        if (start + segment->p_memsz > high) high = start + segment->p_memsz;
    }
    if (high == 0) return 0;
    for (unsigned index = 0; index < known_count; index++)
        if (known[index].base == info->dlpi_addr && known[index].low == low) return 0;
    if (known_count < MAX_KNOWN_MODULES) known[known_count++] = (typeof(known[0])){info->dlpi_addr, low};

    struct snag_module_record head;
    memset(&head, 0, sizeof head);
    unsigned char tail[MAX_BUILD_ID + 4096]; /* build id, then the path */
    size_t build_id_size = find_build_id(info, tail);
    char *path = (char *)tail + build_id_size;
    size_t path_room = sizeof tail - build_id_size - 1;
    const char *name = info->dlpi_name;
    size_t path_size;
    if (!name || !*name) { /* the main program */
        ssize_t length = readlink("/proc/self/exe", path, path_room);
        path_size = (size_t)(length > 0 ? length : 0);
    } else {
        path_size = strnlen(name, path_room);
        memcpy(path, name, path_size);
    }
    path[path_size++] = '\0';
    head.base_address = info->dlpi_addr;
    head.low_address = low;
    head.high_address = high;
    head.build_id_size = (uint16_t)build_id_size;
    head.path_size = (uint16_t)path_size;
    snag_emit_variable2(SNAG_REC_MODULE, 0, &head, sizeof head, tail, build_id_size + path_size);
    return 0;
}

void snag_record_new_modules(void)
{
    if (!snag_writer_active()) return;
    while (atomic_flag_test_and_set_explicit(&recording_lock, memory_order_acquire)) {
    }
    dl_iterate_phdr(record_module, NULL);
    atomic_flag_clear_explicit(&recording_lock, memory_order_release);
}

void snag_modules_after_fork_child(void)
{
    /* Another thread of the parent may have held it; the child's modules are
     * the parent's, which the reader takes from the parent's file. */
    atomic_flag_clear(&recording_lock);
}
