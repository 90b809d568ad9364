/* Unit tests for the offline symboliser (libtrace/reader/symbols.c).
 *
 * The fixture shared object (symbols_fixture.c, -g -O0) is dlopen'ed; its
 * load bias, PT_LOAD range and build id are read back with dl_iterate_phdr,
 * exactly what the shim records, and registered with the symboliser. Real
 * return addresses captured inside the fixture are then symbolised from the
 * file on disk and checked against the lines the fixture reports.
 *
 * Paths come from the build (see symbols.cmake):
 *   SNAG_SYMBOLS_FIXTURE          the fixture, with DWARF and .symtab
 *   SNAG_SYMBOLS_FIXTURE_DEBUGLINK a --strip-all copy whose DWARF and .symtab
 *                                 live in a .debug file next to it (.gnu_debuglink)
 *   SNAG_SYMBOLS_FIXTURE_NODEBUG  a --strip-all copy with no debug info anywhere
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snag/symbols.h"

#ifndef SNAG_SYMBOLS_FIXTURE
#error "SNAG_SYMBOLS_FIXTURE must name the fixture shared object"
#endif
#ifndef SNAG_SYMBOLS_FIXTURE_DEBUGLINK
#error "SNAG_SYMBOLS_FIXTURE_DEBUGLINK must name the stripped fixture with a debuglink"
#endif
#ifndef SNAG_SYMBOLS_FIXTURE_NODEBUG
#error "SNAG_SYMBOLS_FIXTURE_NODEBUG must name the stripped fixture without debug info"
#endif

#define FIXTURE_SOURCE "symbols_fixture.c"

/* What the shim would record for the loaded fixture. */
struct loaded_module {
    uint64_t base, low, high;
    uint8_t build_id[64];
    size_t build_id_size;
};

struct fixture {
    void *handle;
    void *(*transfer_funds)(long amount, int *call_line);
    void *(*audit_transfer)(int *inlined_line, int *outer_line);
    void *(*lock_address)(void);
    long *ledger;
    struct loaded_module mod;
    char tmpdir[PATH_MAX];
};

/* ------------------------------------------------------------- helpers */

struct phdr_search {
    uintptr_t address;
    struct loaded_module *mod;
    int found;
};

static void read_build_id(struct dl_phdr_info *info, struct loaded_module *m)
{
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        const unsigned char *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
            const unsigned char *name = p + sizeof *nh;
            const unsigned char *desc = name + ((nh->n_namesz + 3) & ~3u);
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
                nh->n_descsz <= sizeof m->build_id) {
                memcpy(m->build_id, desc, nh->n_descsz);
                m->build_id_size = nh->n_descsz;
                return;
            }
            p = desc + ((nh->n_descsz + 3) & ~3u);
        }
    }
}

static int find_module_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct phdr_search *search = data;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (ph->p_vaddr < lo)
            lo = ph->p_vaddr;
        if (ph->p_vaddr + ph->p_memsz > hi)
            hi = ph->p_vaddr + ph->p_memsz;
    }
    if (lo >= hi || search->address < info->dlpi_addr + lo || search->address >= info->dlpi_addr + hi)
        return 0;
    search->mod->base = info->dlpi_addr;
    search->mod->low = info->dlpi_addr + lo;
    search->mod->high = info->dlpi_addr + hi;
    read_build_id(info, search->mod);
    search->found = 1;
    return 1;
}

static int count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static const char *basename_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path;
}

static uint64_t addr(const void *p) { return (uint64_t)(uintptr_t)p; }

/* A symboliser with the fixture registered in space 0 under `path`. */
static struct snag_symbolizer *symbolizer_with(const struct fixture *fx, const char *path, int expect)
{
    struct snag_symbolizer *s = snag_symbolizer_new();
    assert_non_null(s);
    assert_int_equal(snag_symbolizer_add_module(s, 0, path, fx->mod.base, fx->mod.low, fx->mod.high,
                                                fx->mod.build_id, fx->mod.build_id_size),
                     expect);
    return s;
}

static void write_file(const char *path, const void *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
}

static void *read_whole_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    void *buf = malloc((size_t)n);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

/* --------------------------------------------------------- group set-up */

static int group_setup(void **state)
{
    static struct fixture fx;
    fx.handle = dlopen(SNAG_SYMBOLS_FIXTURE, RTLD_NOW | RTLD_LOCAL);
    if (!fx.handle) {
        fprintf(stderr, "dlopen %s: %s\n", SNAG_SYMBOLS_FIXTURE, dlerror());
        return -1;
    }
    fx.transfer_funds = (void *(*)(long, int *))dlsym(fx.handle, "transfer_funds");
    fx.audit_transfer = (void *(*)(int *, int *))dlsym(fx.handle, "audit_transfer");
    fx.lock_address = (void *(*)(void))dlsym(fx.handle, "fixture_accounts_lock_address");
    fx.ledger = dlsym(fx.handle, "fixture_ledger");
    if (!fx.transfer_funds || !fx.audit_transfer || !fx.lock_address || !fx.ledger)
        return -1;
    struct phdr_search search = {(uintptr_t)fx.transfer_funds, &fx.mod, 0};
    dl_iterate_phdr(find_module_cb, &search);
    if (!search.found || fx.mod.build_id_size == 0) {
        fprintf(stderr, "fixture not found by dl_iterate_phdr, or built without a build id\n");
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(fx.tmpdir, sizeof fx.tmpdir, "%s/snag-test-symbols-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fx.tmpdir))
        return -1;
    *state = &fx;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static int group_teardown(void **state)
{
    struct fixture *fx = *state;
    nftw(fx->tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    dlclose(fx->handle);
    return 0;
}

/* ---------------------------------------------------------------- tests */

static void code_address_in_transfer_funds_names_the_function_file_and_line(void **state)
{
    struct fixture *fx = *state;
    int call_line = 0;
    void *ra = fx->transfer_funds(5, &call_line);
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);

    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_non_null(loc.function);
    assert_string_equal(loc.function, "transfer_funds");
    assert_non_null(loc.file);
    assert_string_equal(basename_of(loc.file), FIXTURE_SOURCE);
    assert_int_equal(loc.line, call_line);
    assert_string_equal(loc.module, SNAG_SYMBOLS_FIXTURE);
    assert_int_equal(loc.module_offset, addr(ra) - fx->mod.base);

    /* the function's first instruction, as a plain (non-return) address */
    uint64_t entry = (uint64_t)(uintptr_t)fx->transfer_funds;
    assert_int_equal(snag_symbolize_code(s, 0, entry, 0, &loc), 0);
    assert_string_equal(loc.function, "transfer_funds");
    assert_true(loc.line > 0 && loc.line < call_line);
    snag_symbolizer_free(s);
}

static void return_address_is_attributed_to_the_call_line_not_the_next_statement(void **state)
{
    struct fixture *fx = *state;
    int call_line = 0;
    void *ra = fx->transfer_funds(1, &call_line);
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);

    struct snag_code_location as_return, as_pc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &as_return), 0);
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 0, &as_pc), 0);
    assert_int_equal(as_return.line, call_line);
    /* the instruction the call returns to starts the next statement */
    assert_int_equal(as_pc.line, call_line + 1);
    /* both report the return address itself as the module offset */
    assert_int_equal(as_return.module_offset, as_pc.module_offset);
    snag_symbolizer_free(s);
}

static void registration_without_build_id_trusts_the_file_on_disk(void **state)
{
    struct fixture *fx = *state;
    int call_line = 0;
    void *ra = fx->transfer_funds(1, &call_line);
    struct snag_symbolizer *s = snag_symbolizer_new();
    assert_int_equal(
        snag_symbolizer_add_module(s, 0, SNAG_SYMBOLS_FIXTURE, fx->mod.base, fx->mod.low, fx->mod.high, NULL, 0),
        0);
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_string_equal(loc.function, "transfer_funds");
    assert_int_equal(loc.line, call_line);
    snag_symbolizer_free(s);
}

static void inlined_call_yields_the_inlined_callee_first_then_its_caller(void **state)
{
    struct fixture *fx = *state;
    int inlined_line = 0, outer_line = 0;
    void *ra = fx->audit_transfer(&inlined_line, &outer_line);
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);

    struct snag_code_location frames[8];
    assert_int_equal(snag_symbolize_code_frames(s, 0, addr(ra), 1, frames, 8), 2);
    assert_string_equal(frames[0].function, "debit_account");
    assert_string_equal(basename_of(frames[0].file), FIXTURE_SOURCE);
    assert_int_equal(frames[0].line, inlined_line);
    assert_string_equal(frames[1].function, "audit_transfer");
    assert_string_equal(basename_of(frames[1].file), FIXTURE_SOURCE);
    assert_int_equal(frames[1].line, outer_line); /* where debit_account was inlined */
    assert_int_equal(frames[1].module_offset, addr(ra) - fx->mod.base);

    /* one frame asked for: the innermost; the single-location call agrees */
    assert_int_equal(snag_symbolize_code_frames(s, 0, addr(ra), 1, frames, 1), 1);
    assert_string_equal(frames[0].function, "debit_account");
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_string_equal(loc.function, "debit_account");
    assert_int_equal(loc.line, inlined_line);
    snag_symbolizer_free(s);
}

static void static_mutex_address_is_labelled_with_its_variable_name(void **state)
{
    struct fixture *fx = *state;
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);
    const char *name = NULL;
    uint64_t offset = 99;

    uint64_t lock = addr(fx->lock_address());
    assert_int_equal(snag_symbolize_data(s, 0, lock, &name, &offset), 0);
    assert_string_equal(name, "accounts_lock");
    assert_int_equal(offset, 0);

    /* a field inside the mutex still belongs to it */
    assert_int_equal(snag_symbolize_data(s, 0, lock + 8, &name, &offset), 0);
    assert_string_equal(name, "accounts_lock");
    assert_int_equal(offset, 8);

    /* an element of a global array: name plus offset */
    assert_int_equal(snag_symbolize_data(s, 0, addr(&fx->ledger[3]), &name, &offset), 0);
    assert_string_equal(name, "fixture_ledger");
    assert_int_equal(offset, 3 * sizeof(long));

    /* one past the end of the array is not inside it */
    uint64_t past = addr(&fx->ledger[16]);
    if (snag_symbolize_data(s, 0, past, &name, &offset) == 0)
        assert_string_not_equal(name, "fixture_ledger");
    snag_symbolizer_free(s);
}

static void code_address_has_no_data_label(void **state)
{
    struct fixture *fx = *state;
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);
    int line;
    void *ra = fx->transfer_funds(1, &line);
    const char *name = "sentinel";
    uint64_t offset = 7;
    assert_int_equal(snag_symbolize_data(s, 0, addr(ra), &name, &offset), -1);
    assert_null(name);
    assert_int_equal(offset, 0);
    snag_symbolizer_free(s);
}

static void address_outside_every_module_is_not_found(void **state)
{
    struct fixture *fx = *state;
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);
    int on_stack = 0;
    struct snag_code_location loc;
    memset(&loc, 0xa5, sizeof loc);
    assert_int_equal(snag_symbolize_code(s, 0, addr(&on_stack), 0, &loc), -1);
    assert_null(loc.module);
    assert_null(loc.function);
    const char *name;
    assert_int_equal(snag_symbolize_data(s, 0, addr(&on_stack), &name, NULL), -1);

    /* [low, high) is half-open, and spaces are separate */
    assert_int_equal(snag_symbolize_code(s, 0, fx->mod.high, 0, &loc), -1);
    assert_int_equal(snag_symbolize_code(s, 0, fx->mod.high - 1, 0, &loc), 0);
    assert_int_equal(snag_symbolize_code(s, 0, fx->mod.low, 0, &loc), 0);
    int line;
    void *ra = fx->transfer_funds(1, &line);
    assert_int_equal(snag_symbolize_code(s, 1, addr(ra), 1, &loc), -1);
    assert_int_equal(snag_symbolize_code(s, 0xffffffffu, addr(ra), 1, &loc), -1);
    snag_symbolizer_free(s);
}

static void missing_file_still_answers_module_and_offset(void **state)
{
    struct fixture *fx = *state;
    const char *gone = "/nonexistent/snag/libgone.so";
    struct snag_symbolizer *s = symbolizer_with(fx, gone, -1);
    int line;
    void *ra = fx->transfer_funds(1, &line);
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_null(loc.function);
    assert_null(loc.file);
    assert_int_equal(loc.line, 0);
    assert_string_equal(loc.module, gone);
    assert_int_equal(loc.module_offset, addr(ra) - fx->mod.base);
    assert_int_equal(snag_symbolize_data(s, 0, addr(fx->lock_address()), NULL, NULL), -1);

    char buf[128];
    char want[128];
    snprintf(want, sizeof want, "libgone.so+0x%llx", (unsigned long long)(addr(ra) - fx->mod.base));
    assert_string_equal(snag_code_location_format(&loc, buf, sizeof buf), want);
    snag_symbolizer_free(s);
}

static void file_rebuilt_since_the_trace_gives_no_lines(void **state)
{
    struct fixture *fx = *state;
    int line;
    void *ra = fx->transfer_funds(1, &line);
    uint8_t other[sizeof fx->mod.build_id];
    memcpy(other, fx->mod.build_id, fx->mod.build_id_size);
    other[0] ^= 0xff;

    struct snag_symbolizer *s = snag_symbolizer_new();
    assert_int_equal(snag_symbolizer_add_module(s, 0, SNAG_SYMBOLS_FIXTURE, fx->mod.base, fx->mod.low, fx->mod.high,
                                                other, fx->mod.build_id_size),
                     -1);
    /* a truncated id is a different id too */
    assert_int_equal(snag_symbolizer_add_module(s, 1, SNAG_SYMBOLS_FIXTURE, fx->mod.base, fx->mod.low, fx->mod.high,
                                                fx->mod.build_id, fx->mod.build_id_size - 1),
                     -1);
    for (uint32_t space = 0; space < 2; space++) {
        struct snag_code_location loc;
        assert_int_equal(snag_symbolize_code(s, space, addr(ra), 1, &loc), 0);
        assert_null(loc.function);
        assert_null(loc.file);
        assert_int_equal(loc.line, 0);
        assert_string_equal(loc.module, SNAG_SYMBOLS_FIXTURE);
        assert_int_equal(loc.module_offset, addr(ra) - fx->mod.base);
        assert_int_equal(snag_symbolize_data(s, space, addr(fx->lock_address()), NULL, NULL), -1);
    }
    /* the matching id in another space still gets full answers */
    assert_int_equal(snag_symbolizer_add_module(s, 2, SNAG_SYMBOLS_FIXTURE, fx->mod.base, fx->mod.low, fx->mod.high,
                                                fx->mod.build_id, fx->mod.build_id_size),
                     0);
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 2, addr(ra), 1, &loc), 0);
    assert_int_equal(loc.line, line);
    snag_symbolizer_free(s);
}

static void two_hundred_processes_share_one_opened_file_and_identical_answers(void **state)
{
    struct fixture *fx = *state;
    int line;
    void *ra = fx->transfer_funds(1, &line);
    uint64_t lock = addr(fx->lock_address());
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE, 0);
    struct snag_code_location first;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &first), 0);
    const char *first_lock;
    assert_int_equal(snag_symbolize_data(s, 0, lock, &first_lock, NULL), 0);
    int fds = count_open_fds();
    assert_true(fds > 0);

    /* each process maps the same file at its own (ASLR) base */
    for (uint32_t space = 1; space < 200; space++) {
        uint64_t shift = (uint64_t)space << 32;
        assert_int_equal(snag_symbolizer_add_module(s, space, SNAG_SYMBOLS_FIXTURE, fx->mod.base + shift,
                                                    fx->mod.low + shift, fx->mod.high + shift, fx->mod.build_id,
                                                    fx->mod.build_id_size),
                         0);
        struct snag_code_location loc;
        assert_int_equal(snag_symbolize_code(s, space, addr(ra) + shift, 1, &loc), 0);
        /* same strings, not just equal ones: one file, one cached answer */
        assert_ptr_equal(loc.function, first.function);
        assert_ptr_equal(loc.file, first.file);
        assert_int_equal(loc.line, line);
        assert_int_equal(loc.module_offset, first.module_offset);
        const char *name;
        uint64_t offset;
        assert_int_equal(snag_symbolize_data(s, space, lock + shift + 4, &name, &offset), 0);
        assert_ptr_equal(name, first_lock);
        assert_int_equal(offset, 4);
        /* the shifted address means nothing in space 0 */
        assert_int_equal(snag_symbolize_code(s, 0, addr(ra) + shift, 1, &loc), -1);
    }
    assert_int_equal(count_open_fds(), fds); /* nothing was opened again */
    snag_symbolizer_free(s);
}

static void stripped_file_finds_its_separate_debug_info(void **state)
{
    struct fixture *fx = *state;
    int call_line = 0;
    void *ra = fx->transfer_funds(1, &call_line);
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE_DEBUGLINK, 0);
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_string_equal(loc.function, "transfer_funds");
    assert_string_equal(basename_of(loc.file), FIXTURE_SOURCE);
    assert_int_equal(loc.line, call_line);
    assert_string_equal(loc.module, SNAG_SYMBOLS_FIXTURE_DEBUGLINK);
    /* the static lock is only in the debug file's .symtab */
    const char *name;
    assert_int_equal(snag_symbolize_data(s, 0, addr(fx->lock_address()), &name, NULL), 0);
    assert_string_equal(name, "accounts_lock");
    snag_symbolizer_free(s);
}

static void stripped_file_without_debug_info_uses_dynamic_symbols_and_never_asks_debuginfod(void **state)
{
    struct fixture *fx = *state;
    /* If anything consulted debuginfod it would create its client cache
     * here before trying the (closed) local port. */
    char cache[PATH_MAX + 32];
    snprintf(cache, sizeof cache, "%s/debuginfod-cache", fx->tmpdir);
    setenv("DEBUGINFOD_URLS", "http://127.0.0.1:9/", 1);
    setenv("DEBUGINFOD_CACHE_PATH", cache, 1);
    setenv("DEBUGINFOD_TIMEOUT", "1", 1);

    int call_line = 0;
    void *ra = fx->transfer_funds(1, &call_line);
    struct snag_symbolizer *s = symbolizer_with(fx, SNAG_SYMBOLS_FIXTURE_NODEBUG, 0);
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_string_equal(loc.function, "transfer_funds"); /* exported: in .dynsym */
    assert_null(loc.file);
    assert_int_equal(loc.line, 0);
    const char *name;
    assert_int_equal(snag_symbolize_data(s, 0, addr(&fx->ledger[1]), &name, NULL), 0);
    assert_string_equal(name, "fixture_ledger");
    /* the static lock went with .symtab */
    assert_int_equal(snag_symbolize_data(s, 0, addr(fx->lock_address()), &name, NULL), -1);
    snag_symbolizer_free(s);

    unsetenv("DEBUGINFOD_URLS");
    unsetenv("DEBUGINFOD_CACHE_PATH");
    unsetenv("DEBUGINFOD_TIMEOUT");
    struct stat st;
    assert_int_equal(stat(cache, &st), -1);
    assert_int_equal(errno, ENOENT);
}

static void later_registration_replaces_an_overlapping_one(void **state)
{
    struct fixture *fx = *state;
    int line;
    void *ra = fx->transfer_funds(1, &line);
    struct snag_symbolizer *s = snag_symbolizer_new();
    /* an earlier, wider mapping of something else at the same addresses */
    assert_int_equal(snag_symbolizer_add_module(s, 0, "/gone/libold.so", fx->mod.base, fx->mod.low - 4096,
                                                fx->mod.high + 4096, NULL, 0),
                     -1);
    assert_int_equal(snag_symbolizer_add_module(s, 0, SNAG_SYMBOLS_FIXTURE, fx->mod.base, fx->mod.low, fx->mod.high,
                                                fx->mod.build_id, fx->mod.build_id_size),
                     0);
    struct snag_code_location loc;
    assert_int_equal(snag_symbolize_code(s, 0, addr(ra), 1, &loc), 0);
    assert_string_equal(loc.module, SNAG_SYMBOLS_FIXTURE);
    assert_string_equal(loc.function, "transfer_funds");
    /* the old mapping is gone entirely, not just where they overlapped */
    assert_int_equal(snag_symbolize_code(s, 0, fx->mod.low - 1, 0, &loc), -1);
    snag_symbolizer_free(s);
}

static void garbage_registrations_and_queries_never_crash(void **state)
{
    struct fixture *fx = *state;
    int line;
    void *ra = fx->transfer_funds(1, &line);
    struct snag_code_location loc;
    const char *name;
    uint64_t offset;

    /* no symboliser at all */
    assert_int_equal(snag_symbolizer_add_module(NULL, 0, "/x", 0, 1, 2, NULL, 0), -1);
    assert_int_equal(snag_symbolize_code(NULL, 0, 1, 0, &loc), -1);
    assert_int_equal(snag_symbolize_data(NULL, 0, 1, &name, &offset), -1);
    snag_symbolizer_free(NULL);

    struct snag_symbolizer *s = snag_symbolizer_new();
    /* nothing registered for a NULL path or an empty/inverted range */
    errno = 0;
    assert_int_equal(snag_symbolizer_add_module(s, 0, NULL, 0, 0x1000, 0x2000, NULL, 0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(snag_symbolize_code(s, 0, 0x1800, 0, &loc), -1);
    assert_int_equal(snag_symbolizer_add_module(s, 0, SNAG_SYMBOLS_FIXTURE, 0, 0x2000, 0x2000, NULL, 0), -1);
    assert_int_equal(snag_symbolizer_add_module(s, 0, SNAG_SYMBOLS_FIXTURE, 0, 0x3000, 0x2000, NULL, 0), -1);
    assert_int_equal(snag_symbolize_code(s, 0, 0x2000, 0, &loc), -1);

    /* files that are not ELF objects we can use; one space each */
    char fifo[PATH_MAX + 32], text[PATH_MAX + 32], cut_header[PATH_MAX + 32], cut_half[PATH_MAX + 32],
        scrambled[PATH_MAX + 32];
    snprintf(fifo, sizeof fifo, "%s/fifo.so", fx->tmpdir);
    snprintf(text, sizeof text, "%s/text.so", fx->tmpdir);
    snprintf(cut_header, sizeof cut_header, "%s/cut-header.so", fx->tmpdir);
    snprintf(cut_half, sizeof cut_half, "%s/cut-half.so", fx->tmpdir);
    snprintf(scrambled, sizeof scrambled, "%s/scrambled.so", fx->tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0); /* opening it must not block */
    write_file(text, "not an ELF file\n", 16);
    size_t size;
    unsigned char *image = read_whole_file(SNAG_SYMBOLS_FIXTURE, &size);
    write_file(cut_header, image, 40);
    write_file(cut_half, image, size / 2);
    /* intact headers, every byte past the first page inverted: garbage
     * sections, symbol tables and DWARF */
    for (size_t i = 4096; i < size; i++)
        image[i] ^= 0xff;
    write_file(scrambled, image, size);
    free(image);

    char long_path[5000];
    memset(long_path, 'a', sizeof long_path - 1);
    long_path[0] = '/';
    long_path[sizeof long_path - 1] = '\0';
    uint8_t huge_id[4096];
    memset(huge_id, 0xab, sizeof huge_id);

    const char *paths[] = {"", "/", "/dev/null", "/dev/zero", "relative/lib.so", fifo, text, cut_header,
                           cut_half, scrambled, long_path};
    uint32_t space = 1;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++, space++) {
        int r = snag_symbolizer_add_module(s, space, paths[i], fx->mod.base, fx->mod.low, fx->mod.high, NULL, 0);
        assert_true(r == 0 || r == -1);
        assert_int_equal(snag_symbolize_code(s, space, addr(ra), 1, &loc), 0);
        assert_non_null(loc.module);
        assert_int_equal(loc.module_offset, addr(ra) - fx->mod.base);
        struct snag_code_location frames[4];
        assert_true(snag_symbolize_code_frames(s, space, addr(ra), 1, frames, 4) >= 1);
        snag_symbolize_data(s, space, addr(fx->lock_address()), &name, &offset);
        char buf[64];
        assert_true(strlen(snag_code_location_format(&loc, buf, sizeof buf)) < sizeof buf);
    }
    assert_int_equal(snag_symbolizer_add_module(s, space, "/dev/null", 0, 1, 2, NULL, 0), -1);
    assert_int_equal(snag_symbolizer_add_module(s, space, SNAG_SYMBOLS_FIXTURE, fx->mod.base, fx->mod.low,
                                                fx->mod.high, huge_id, sizeof huge_id),
                     -1);

    /* a real file but a nonsense bias: addresses land outside the file */
    space++;
    assert_int_equal(snag_symbolizer_add_module(s, space, SNAG_SYMBOLS_FIXTURE, UINT64_MAX - 5, 0x1000,
                                                UINT64_MAX, fx->mod.build_id, fx->mod.build_id_size),
                     0);
    uint64_t probes[] = {0x1000, 0x1001, 0x7fffffffffffULL, UINT64_MAX - 6, UINT64_MAX - 5, UINT64_MAX - 1};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        assert_int_equal(snag_symbolize_code(s, space, probes[i], 1, &loc), 0);
        assert_int_equal(snag_symbolize_code(s, space, probes[i], 0, &loc), 0);
        snag_symbolize_data(s, space, probes[i], &name, &offset);
        snag_symbolize_data(s, space, probes[i], NULL, NULL);
    }

    /* bad output arguments */
    assert_int_equal(snag_symbolize_code(s, space, 0x1000, 0, NULL), -1);
    struct snag_code_location one;
    assert_int_equal(snag_symbolize_code_frames(s, space, 0x1000, 0, &one, 0), -1);
    assert_int_equal(snag_symbolize_code_frames(s, space, 0x1000, 0, &one, -5), -1);
    snag_symbolizer_free(s);
}

static void format_gives_function_and_file_line_or_module_and_offset(void **state)
{
    char buf[128];
    struct snag_code_location full = {"transfer_funds", "/src/snag/tests/unit/symbols_fixture.c", 42,
                                      "/usr/lib/libbank.so", 0x1234};
    assert_string_equal(snag_code_location_format(&full, buf, sizeof buf), "transfer_funds (symbols_fixture.c:42)");

    struct snag_code_location no_line = full;
    no_line.file = NULL;
    no_line.line = 0;
    assert_string_equal(snag_code_location_format(&no_line, buf, sizeof buf), "transfer_funds (libbank.so+0x1234)");

    struct snag_code_location bare = {NULL, NULL, 0, "/usr/lib/libbank.so", 0x1234};
    assert_string_equal(snag_code_location_format(&bare, buf, sizeof buf), "libbank.so+0x1234");

    struct snag_code_location nowhere = {NULL, NULL, 0, NULL, 0};
    assert_string_equal(snag_code_location_format(&nowhere, buf, sizeof buf), "??");
    assert_string_equal(snag_code_location_format(NULL, buf, sizeof buf), "??");

    /* truncated, still terminated; no buffer at all is not an error */
    char tiny[5];
    assert_string_equal(snag_code_location_format(&full, tiny, sizeof tiny), "tran");
    assert_string_equal(snag_code_location_format(&full, NULL, 0), "");
    assert_string_equal(snag_code_location_format(&full, buf, 0), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(code_address_in_transfer_funds_names_the_function_file_and_line),
        cmocka_unit_test(return_address_is_attributed_to_the_call_line_not_the_next_statement),
        cmocka_unit_test(registration_without_build_id_trusts_the_file_on_disk),
        cmocka_unit_test(inlined_call_yields_the_inlined_callee_first_then_its_caller),
        cmocka_unit_test(static_mutex_address_is_labelled_with_its_variable_name),
        cmocka_unit_test(code_address_has_no_data_label),
        cmocka_unit_test(address_outside_every_module_is_not_found),
        cmocka_unit_test(missing_file_still_answers_module_and_offset),
        cmocka_unit_test(file_rebuilt_since_the_trace_gives_no_lines),
        cmocka_unit_test(two_hundred_processes_share_one_opened_file_and_identical_answers),
        cmocka_unit_test(stripped_file_finds_its_separate_debug_info),
        cmocka_unit_test(stripped_file_without_debug_info_uses_dynamic_symbols_and_never_asks_debuginfod),
        cmocka_unit_test(later_registration_replaces_an_overlapping_one),
        cmocka_unit_test(garbage_registrations_and_queries_never_crash),
        cmocka_unit_test(format_gives_function_and_file_line_or_module_and_offset),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
