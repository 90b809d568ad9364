/* Offline symboliser on top of elfutils libdwfl.
 *
 * Layout:
 *  - every distinct ELF file (path + recorded build id) gets one `struct
 *    sym_file`: its own Dwfl session with the file reported at bias 0, so
 *    libdwfl addresses are plain ELF vaddrs. Spaces (traced processes) only
 *    hold `struct region`s pointing at shared files plus their own load bias,
 *    and translate runtime address -> vaddr by subtracting it;
 *  - code lookups are cached per file, keyed by vaddr, so the answer for a
 *    call site is computed once whatever the number of processes;
 *  - data symbols are extracted once per file into a sorted array;
 *  - all strings handed out are interned in one table owned by the
 *    symboliser, so they stay valid (and NUL-terminated) until free.
 *
 * Debuginfod: libdwfl's dwfl_standard_find_debuginfo (and
 * dwfl_build_id_find_elf) ask a debuginfod server when DEBUGINFOD_URLS is set.
 * Trace paths are untrusted and reading a trace must never reach the
 * network, so neither is used: our own find_debuginfo callback uses
 * dwfl_build_id_find_debuginfo (local /usr/lib/debug/.build-id only) and a
 * local .gnu_debuglink search, and main files are handed to libdwfl as open
 * descriptors so find_elf is never consulted. The environment is not touched.
 */
#define _GNU_SOURCE /* asprintf */
#include "snag/symbols.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <gelf.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest string we keep from DWARF/symbol tables: beyond this it is garbage
 * or a template monster nobody reads in a lock report. */
#define MAX_STRING 4096
/* Deepest inline chain we record for one address. */
#define MAX_FRAMES 32
/* Code-cache entries per file; past this we still answer, just uncached, so
 * a trace full of garbage addresses cannot grow memory without bound. */
#define MAX_CACHE_ENTRIES (1u << 20)

/* ---------------------------------------------------------------- hashing */

static uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull; /* FNV-1a */
    }
    return h;
}

static uint64_t hash_u64(uint64_t x)
{
    /* splitmix64 finaliser: vaddrs differ in low bits only */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

#define HASH_SEED 0xcbf29ce484222325ull

/* Open-addressing table of pointers; hash 0 marks an empty slot. Items are
 * never removed individually (only the whole table at free time). */
struct ptab {
    uint64_t *hashes;
    void **items;
    size_t cap; /* power of two, or 0 */
    size_t count;
};

static uint64_t nonzero_hash(uint64_t h) { return h ? h : 1; }

typedef bool (*ptab_eq_fn)(const void *item, const void *key);

static void *ptab_find(const struct ptab *t, uint64_t h, ptab_eq_fn eq, const void *key)
{
    if (t->cap == 0)
        return NULL;
    h = nonzero_hash(h);
    for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (t->hashes[i] == 0)
            return NULL;
        if (t->hashes[i] == h && eq(t->items[i], key))
            return t->items[i];
    }
}

static void ptab_put_slot(uint64_t *hashes, void **items, size_t cap, uint64_t h, void *item)
{
    size_t i = h & (cap - 1);
    while (hashes[i] != 0)
        i = (i + 1) & (cap - 1);
    hashes[i] = h;
    items[i] = item;
}

/* Insert an item known to be absent. Returns 0, or -1 on allocation failure. */
static int ptab_insert(struct ptab *t, uint64_t h, void *item)
{
    h = nonzero_hash(h);
    if ((t->count + 1) * 2 > t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 16;
        uint64_t *nh = calloc(ncap, sizeof *nh);
        void **ni = calloc(ncap, sizeof *ni);
        if (!nh || !ni) {
            free(nh);
            free(ni);
            return -1;
        }
        for (size_t i = 0; i < t->cap; i++)
            if (t->hashes[i])
                ptab_put_slot(nh, ni, ncap, t->hashes[i], t->items[i]);
        free(t->hashes);
        free(t->items);
        t->hashes = nh;
        t->items = ni;
        t->cap = ncap;
    }
    ptab_put_slot(t->hashes, t->items, t->cap, h, item);
    t->count++;
    return 0;
}

static void ptab_free(struct ptab *t, void (*free_item)(void *))
{
    if (free_item)
        for (size_t i = 0; i < t->cap; i++)
            if (t->hashes[i])
                free_item(t->items[i]);
    free(t->hashes);
    free(t->items);
    memset(t, 0, sizeof *t);
}

/* ------------------------------------------------------------ data model */

struct frame_rec {
    const char *function; /* interned or NULL */
    const char *file;     /* interned or NULL */
    int line;
};

/* One cached answer for (vaddr, is_return_address) in one file. */
struct code_entry {
    uint64_t vaddr;
    bool is_return;
    int nframes; /* >= 1; a single all-NULL frame means "nothing known" */
    struct frame_rec frames[];
};

struct data_sym {
    uint64_t start;
    uint64_t end; /* exclusive; start + 1 for size-0 symbols (exact match) */
    const char *name;
    unsigned char bind;
};

struct sym_file {
    const char *path; /* interned */
    uint8_t *build_id;
    size_t build_id_size;
    Dwfl *dwfl;       /* NULL: unusable, answer module+offset only */
    Dwfl_Module *mod;
    uint64_t mod_low, mod_high; /* vaddr range libdwfl knows for the file */
    struct ptab code_cache;     /* of struct code_entry */
    bool data_loaded;
    struct data_sym *data;
    uint64_t *data_max_end; /* prefix maximum of data[i].end */
    size_t ndata;
};

struct region {
    uint64_t low, high, base;
    struct sym_file *file;
};

struct space {
    uint32_t id;
    struct region *regions; /* sorted by low, non-overlapping */
    size_t nregions, cap;
};

struct snag_symbolizer {
    struct ptab strings; /* of char * */
    struct ptab files;   /* of struct sym_file * */
    struct ptab spaces;  /* of struct space * */
    struct space *last_space;
};

/* ------------------------------------------------------------- interning */

struct str_key {
    const char *s;
    size_t len;
};

static bool str_eq(const void *item, const void *key)
{
    const struct str_key *k = key;
    const char *s = item;
    return strncmp(s, k->s, k->len) == 0 && s[k->len] == '\0';
}

/* Returns an owned NUL-terminated copy (truncated to MAX_STRING), or NULL for
 * NULL input or allocation failure. */
static const char *intern(struct snag_symbolizer *s, const char *str)
{
    if (!str)
        return NULL;
    struct str_key k = {str, strnlen(str, MAX_STRING)};
    uint64_t h = hash_bytes(HASH_SEED, str, k.len);
    char *found = ptab_find(&s->strings, h, str_eq, &k);
    if (found)
        return found;
    char *copy = malloc(k.len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, str, k.len);
    copy[k.len] = '\0';
    if (ptab_insert(&s->strings, h, copy) != 0) {
        free(copy);
        return NULL;
    }
    return copy;
}

/* ------------------------------------------------------ debuginfo lookup */

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    /* Bitwise CRC-32 (IEEE, reflected), as .gnu_debuglink uses. Only run on a
     * candidate debug file when no build id can vouch for it. */
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static bool file_crc_matches(int fd, uint32_t want)
{
    unsigned char buf[65536];
    uint32_t crc = 0;
    off_t off = 0;
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (n == 0)
            break;
        crc = crc32_update(crc, buf, (size_t)n);
        off += n;
    }
    return crc == want;
}

static bool build_id_matches(int fd, const unsigned char *want, int want_len)
{
    bool ok = false;
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (elf) {
        const void *id = NULL;
        ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
        ok = len > 0 && len == want_len && memcmp(id, want, (size_t)len) == 0;
        elf_end(elf);
    }
    return ok;
}

/* Open a regular file without blocking on FIFOs or devices named by garbage. */
static int open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* .gnu_debuglink search in the classic places (next to the file, .debug/,
 * /usr/lib/debug/<dir>/), accepting a candidate only if the module's build id
 * or the link's CRC vouches for it: a stale debug file would give wrong lines. */
static int find_debuglink(Dwfl_Module *mod, const char *file_name, const char *debuglink, GElf_Word crc,
                          char **debuginfo_file_name)
{
    if (!file_name || !debuglink || !*debuglink || strchr(debuglink, '/'))
        return -1; /* names with '/' are dwz alt links, found by build id */
    const unsigned char *bits = NULL;
    GElf_Addr id_vaddr;
    int id_len = dwfl_module_build_id(mod, &bits, &id_vaddr);
    if (id_len <= 0 && crc == 0)
        return -1; /* nothing to validate a candidate with */

    struct stat main_st;
    bool have_main = stat(file_name, &main_st) == 0;
    const char *slash = strrchr(file_name, '/');
    size_t dirlen = slash ? (size_t)(slash - file_name) : 0;
    const char *dir = slash ? file_name : ".";
    if (!slash)
        dirlen = 1;

    for (int attempt = 0; attempt < 3; attempt++) {
        char *cand = NULL;
        int r;
        if (attempt == 0)
            r = asprintf(&cand, "%.*s/%s", (int)dirlen, dir, debuglink);
        else if (attempt == 1)
            r = asprintf(&cand, "%.*s/.debug/%s", (int)dirlen, dir, debuglink);
        else if (slash && file_name[0] == '/')
            r = asprintf(&cand, "/usr/lib/debug%.*s/%s", (int)dirlen, dir, debuglink);
        else
            continue;
        if (r < 0)
            return -1;
        struct stat st;
        int fd = open_regular(cand, &st);
        if (fd >= 0 && have_main && st.st_dev == main_st.st_dev && st.st_ino == main_st.st_ino) {
            close(fd); /* the main file itself */
            fd = -1;
        }
        if (fd >= 0) {
            bool ok = id_len > 0 ? build_id_matches(fd, bits, id_len) : file_crc_matches(fd, crc);
            if (ok) {
                *debuginfo_file_name = cand;
                return fd;
            }
            close(fd);
        }
        free(cand);
    }
    return -1;
}

static int find_debuginfo_local(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                                const char *file_name, const char *debuglink_file, GElf_Word debuglink_crc,
                                char **debuginfo_file_name)
{
    /* Local /usr/lib/debug/.build-id lookup (also finds dwz alt files);
     * validates the build id itself and never contacts debuginfod. */
    int fd = dwfl_build_id_find_debuginfo(mod, userdata, modname, base, file_name, debuglink_file,
                                          debuglink_crc, debuginfo_file_name);
    if (fd >= 0)
        return fd;
    return find_debuglink(mod, file_name, debuglink_file, debuglink_crc, debuginfo_file_name);
}

static int find_elf_never(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
                          char **file_name, Elf **elfp)
{
    /* Main files are always reported with an open fd; refuse anything else
     * rather than let libdwfl look for one (possibly via debuginfod). */
    return -1;
}

static const Dwfl_Callbacks dwfl_callbacks = {
    .find_elf = find_elf_never,
    .find_debuginfo = find_debuginfo_local,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = NULL, /* default ":.debug:/usr/lib/debug" */
};

/* ------------------------------------------------------------------ files */

struct file_key {
    const char *path;
    const uint8_t *build_id;
    size_t build_id_size;
};

static uint64_t file_hash(const struct file_key *k)
{
    uint64_t h = hash_bytes(HASH_SEED, k->path, strlen(k->path) + 1);
    return hash_bytes(h, k->build_id, k->build_id_size);
}

static bool file_eq(const void *item, const void *key)
{
    const struct sym_file *f = item;
    const struct file_key *k = key;
    return strcmp(f->path, k->path) == 0 && f->build_id_size == k->build_id_size &&
           (k->build_id_size == 0 || memcmp(f->build_id, k->build_id, k->build_id_size) == 0);
}

static void code_entry_free(void *p) { free(p); }

static void file_free(void *p)
{
    struct sym_file *f = p;
    if (f->dwfl)
        dwfl_end(f->dwfl);
    ptab_free(&f->code_cache, code_entry_free);
    free(f->build_id);
    free(f->data);
    free(f->data_max_end);
    free(f);
}

/* Cheap check before handing the file to libdwfl: only ET_EXEC/ET_DYN ELF
 * files can be mapped code; also keeps compressed images and cores out. */
static bool looks_like_loadable_elf(int fd)
{
    unsigned char h[EI_NIDENT + 4];
    ssize_t n;
    do
        n = pread(fd, h, sizeof h, 0);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof h || memcmp(h, ELFMAG, SELFMAG) != 0)
        return false;
    if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64)
        return false;
    unsigned type;
    if (h[EI_DATA] == ELFDATA2LSB)
        type = h[EI_NIDENT] | (unsigned)h[EI_NIDENT + 1] << 8;
    else if (h[EI_DATA] == ELFDATA2MSB)
        type = (unsigned)h[EI_NIDENT] << 8 | h[EI_NIDENT + 1];
    else
        return false;
    return type == ET_EXEC || type == ET_DYN;
}

/* Open f->path with libdwfl; on any failure leave f->dwfl NULL. */
static void file_open(struct sym_file *f)
{
    struct stat st;
    int fd = open_regular(f->path, &st);
    if (fd < 0)
        return;
    if (!looks_like_loadable_elf(fd)) {
        close(fd);
        return;
    }
    Dwfl *dwfl = dwfl_begin(&dwfl_callbacks);
    if (!dwfl) {
        close(fd);
        return;
    }
    dwfl_report_begin(dwfl);
    /* base 0 with add_p_vaddr: bias 0, module addresses are the ELF vaddrs */
    Dwfl_Module *mod = dwfl_report_elf(dwfl, f->path, f->path, fd, 0, true);
    if (!mod) {
        close(fd); /* only consumed on success */
        dwfl_end(dwfl);
        return;
    }
    if (dwfl_report_end(dwfl, NULL, NULL) != 0)
        goto fail;
    GElf_Addr bias = 0;
    Elf *elf = dwfl_module_getelf(mod, &bias);
    if (!elf || bias != 0)
        goto fail;
    if (f->build_id_size > 0) {
        const void *id = NULL;
        ssize_t len = dwelf_elf_gnu_build_id(elf, &id);
        if (len <= 0 || (size_t)len != f->build_id_size || memcmp(id, f->build_id, f->build_id_size) != 0)
            goto fail; /* replaced since the trace: its lines would lie */
    }
    Dwarf_Addr low = 0, high = 0;
    if (!dwfl_module_info(mod, NULL, &low, &high, NULL, NULL, NULL, NULL) || low >= high)
        goto fail;
    f->dwfl = dwfl;
    f->mod = mod;
    f->mod_low = low;
    f->mod_high = high;
    return;
fail:
    dwfl_end(dwfl);
}

static struct sym_file *file_get(struct snag_symbolizer *s, const char *path, const uint8_t *build_id,
                                 size_t build_id_size)
{
    /* Keyed by the interned (possibly truncated) path, so absurdly long
     * garbage paths share one entry instead of piling up. */
    const char *ipath = intern(s, path);
    if (!ipath)
        return NULL;
    struct file_key k = {ipath, build_id, build_id ? build_id_size : 0};
    uint64_t h = file_hash(&k);
    struct sym_file *f = ptab_find(&s->files, h, file_eq, &k);
    if (f)
        return f;
    f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->path = ipath;
    if (k.build_id_size > 0) {
        f->build_id = malloc(k.build_id_size);
        if (!f->build_id) {
            free(f);
            return NULL;
        }
        memcpy(f->build_id, build_id, k.build_id_size);
        f->build_id_size = k.build_id_size;
    }
    if (ptab_insert(&s->files, h, f) != 0) {
        file_free(f);
        return NULL;
    }
    if (strnlen(path, MAX_STRING + 1) <= MAX_STRING) /* never open a truncated name: another file */
        file_open(f);
    return f;
}

/* ------------------------------------------------------------ code lookup */

static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute mem;
    /* _integrate follows DW_AT_abstract_origin/specification: inlined
     * instances and out-of-line copies carry no name of their own */
    const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &mem));
    if (!name)
        name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &mem));
    if (!name)
        name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &mem));
    return name;
}

/* File and line an inlined_subroutine DIE was called from. */
static void call_site(Dwarf_Die *inl, Dwarf_Die *fallback_cu, const char **file, int *line)
{
    Dwarf_Attribute mem;
    Dwarf_Word w;
    *file = NULL;
    *line = 0;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &mem), &w) == 0 && w <= 0x7fffffff)
        *line = (int)w;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &mem), &w) != 0)
        return;
    Dwarf_Die cu_mem;
    Dwarf_Die *cu = dwarf_diecu(inl, &cu_mem, NULL, NULL);
    Dwarf_Files *files;
    size_t nfiles;
    if (!cu || dwarf_getsrcfiles(cu, &files, &nfiles) != 0) {
        cu = fallback_cu;
        if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
            return;
    }
    if (w >= nfiles)
        return;
    const char *name = dwarf_filesrc(files, w, NULL, NULL);
    if (name && strcmp(name, "???") != 0) /* libdw's placeholder for DWARF<5 index 0 */
        *file = name;
}

/* Best-effort code symbol from the ELF symbol tables, for files without DWARF. */
static const char *code_symbol(Dwfl_Module *mod, uint64_t pc)
{
    GElf_Off off;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, pc, &off, &sym, NULL, NULL, NULL);
    if (!name || !*name)
        return NULL;
    int type = GELF_ST_TYPE(sym.st_info);
    if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE)
        return NULL;
    return name;
}

/* The function scopes physically containing pc, innermost first: inlined
 * instances, then the real function (nested GNU C functions stop at the
 * innermost subprogram). Walked by hand rather than with dwarf_getscopes,
 * which after an inlined instance continues with its abstract origin's
 * lexical parents, and which leaks its array when it fails on bad DWARF. */
static int function_chain(Dwarf_Die *cudie, Dwarf_Addr pc, Dwarf_Die out[MAX_FRAMES])
{
    enum { MAX_DEPTH = 256 }; /* corrupt DWARF must not loop or overflow */
    Dwarf_Die outer_first[MAX_DEPTH];
    int n = 0;
    Dwarf_Die cur = *cudie;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        Dwarf_Die child;
        if (dwarf_child(&cur, &child) != 0)
            break;
        bool descended = false;
        do {
            int tag = dwarf_tag(&child);
            if ((tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) &&
                dwarf_haspc(&child, pc) > 0) {
                if (tag == DW_TAG_subprogram)
                    n = 0; /* a nested function: the outer one is not a caller */
                if (tag != DW_TAG_lexical_block)
                    outer_first[n++] = child;
                cur = child;
                descended = true;
                break;
            }
        } while (dwarf_siblingof(&child, &child) == 0);
        if (!descended)
            break;
    }
    /* innermost first; a chain deeper than we record loses its outer end,
     * like a truncated backtrace, so frame 0 always matches its line */
    int kept = n < MAX_FRAMES ? n : MAX_FRAMES;
    for (int i = 0; i < kept; i++)
        out[i] = outer_first[n - 1 - i];
    return kept;
}

static int resolve_frames(struct snag_symbolizer *s, struct sym_file *f, uint64_t pc, struct frame_rec *out)
{
    Dwfl_Module *mod = f->mod;
    const char *line_file = NULL;
    int line = 0;
    Dwfl_Line *dl = dwfl_module_getsrc(mod, pc);
    if (dl) {
        line_file = dwfl_lineinfo(dl, NULL, &line, NULL, NULL, NULL);
        if (line < 0)
            line = 0;
    }

    int n = 0;
    Dwarf_Addr dwbias = 0;
    Dwarf_Die *cudie_p = dwfl_module_addrdie(mod, pc, &dwbias);
    if (cudie_p) {
        Dwarf_Die cudie = *cudie_p;
        Dwarf_Die chain[MAX_FRAMES];
        int nchain = function_chain(&cudie, pc - dwbias, chain);
        const char *cur_file = line_file;
        int cur_line = line;
        for (int i = 0; i < nchain; i++) {
            out[n].function = intern(s, die_name(&chain[i]));
            out[n].file = intern(s, cur_file);
            out[n].line = cur_line;
            n++;
            if (dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine)
                call_site(&chain[i], &cudie, &cur_file, &cur_line);
        }
    }
    if (n > 0 && !out[n - 1].function)
        out[n - 1].function = intern(s, code_symbol(mod, pc)); /* outermost only: its symbol is its own */
    if (n == 0) {
        out[0].function = intern(s, code_symbol(mod, pc));
        out[0].file = intern(s, line_file);
        out[0].line = line;
        n = 1;
    }
    return n;
}

struct code_key {
    uint64_t vaddr;
    bool is_return;
};

static bool code_eq(const void *item, const void *key)
{
    const struct code_entry *e = item;
    const struct code_key *k = key;
    return e->vaddr == k->vaddr && e->is_return == k->is_return;
}

struct code_result {
    const struct frame_rec *frames;
    int nframes;
    struct frame_rec one; /* storage when the answer could not be cached */
};

/* Frames for vaddr in a usable file, from the cache or computed (and cached). */
static void file_code(struct snag_symbolizer *s, struct sym_file *f, uint64_t vaddr, bool is_return,
                      struct code_result *res)
{
    struct code_key k = {vaddr, is_return};
    uint64_t h = hash_u64(vaddr ^ (is_return ? 0x8000000000000000ull : 0));
    const struct code_entry *hit = ptab_find(&f->code_cache, h, code_eq, &k);
    if (hit) {
        res->frames = hit->frames;
        res->nframes = hit->nframes;
        return;
    }

    struct frame_rec frames[MAX_FRAMES];
    memset(frames, 0, sizeof frames);
    int n = 1;
    /* the call instruction ends just before the return address; stay inside
     * the file's range so a return address at its very start still works */
    uint64_t pc = vaddr;
    if (is_return && pc > f->mod_low)
        pc--;
    if (pc >= f->mod_low && pc < f->mod_high)
        n = resolve_frames(s, f, pc, frames);

    struct code_entry *e = NULL;
    if (f->code_cache.count < MAX_CACHE_ENTRIES)
        e = malloc(sizeof *e + (size_t)n * sizeof e->frames[0]);
    if (e) {
        e->vaddr = vaddr;
        e->is_return = is_return;
        e->nframes = n;
        memcpy(e->frames, frames, (size_t)n * sizeof frames[0]);
        if (ptab_insert(&f->code_cache, h, e) == 0) {
            res->frames = e->frames;
            res->nframes = n;
            return;
        }
        free(e);
    }
    res->one = frames[0];
    res->frames = &res->one;
    res->nframes = 1;
}

/* ------------------------------------------------------------ data lookup */

static int data_sym_cmp(const void *a, const void *b)
{
    const struct data_sym *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void file_load_data(struct snag_symbolizer *s, struct sym_file *f)
{
    f->data_loaded = true;
    int nsyms = dwfl_module_getsymtab(f->mod);
    if (nsyms <= 0)
        return;
    struct data_sym *v = malloc((size_t)nsyms * sizeof *v);
    if (!v)
        return;
    size_t n = 0;
    for (int i = 0; i < nsyms; i++) {
        GElf_Sym sym;
        GElf_Addr addr;
        GElf_Word shndx = SHN_UNDEF;
        const char *name = dwfl_module_getsym_info(f->mod, i, &sym, &addr, &shndx, NULL, NULL);
        if (!name || !*name)
            continue;
        int type = GELF_ST_TYPE(sym.st_info);
        if (type != STT_OBJECT && type != STT_COMMON)
            continue; /* STT_TLS values are TLS-block offsets, not addresses */
        if (shndx == SHN_UNDEF || shndx == SHN_ABS || shndx == (GElf_Word)-1)
            continue; /* imported, absolute, or in a non-allocated section */
        const char *iname = intern(s, name);
        if (!iname)
            continue;
        uint64_t end = sym.st_size ? addr + sym.st_size : addr + 1;
        if (end <= addr)
            end = UINT64_MAX; /* garbage size: saturate rather than wrap */
        v[n++] = (struct data_sym){addr, end, iname, (unsigned char)GELF_ST_BIND(sym.st_info)};
    }
    if (n == 0) {
        free(v);
        return;
    }
    qsort(v, n, sizeof *v, data_sym_cmp);
    uint64_t *max_end = malloc(n * sizeof *max_end);
    if (!max_end) {
        free(v);
        return;
    }
    for (size_t i = 0; i < n; i++)
        max_end[i] = i && max_end[i - 1] > v[i].end ? max_end[i - 1] : v[i].end;
    f->data = v;
    f->data_max_end = max_end;
    f->ndata = n;
}

static int bind_rank(unsigned char bind)
{
    return bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
}

/* Is a a better label than b for the same address? */
static bool data_better(const struct data_sym *a, const struct data_sym *b)
{
    uint64_t sa = a->end - a->start, sb = b->end - b->start;
    if (sa != sb)
        return sa < sb; /* most specific */
    if (bind_rank(a->bind) != bind_rank(b->bind))
        return bind_rank(a->bind) < bind_rank(b->bind); /* public alias over __internal one */
    return strcmp(a->name, b->name) < 0;                /* deterministic */
}

static const struct data_sym *file_data(struct sym_file *f, uint64_t vaddr)
{
    /* last symbol starting at or below vaddr */
    size_t lo = 0, hi = f->ndata;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->data[mid].start <= vaddr)
            lo = mid + 1;
        else
            hi = mid;
    }
    const struct data_sym *best = NULL;
    /* walk back while some earlier symbol could still reach vaddr */
    for (size_t i = lo; i-- > 0 && f->data_max_end[i] > vaddr;) {
        const struct data_sym *d = &f->data[i];
        if (vaddr < d->end && (!best || data_better(d, best)))
            best = d;
    }
    return best;
}

/* ----------------------------------------------------------------- spaces */

static bool space_eq(const void *item, const void *key)
{
    return ((const struct space *)item)->id == *(const uint32_t *)key;
}

static void space_free(void *p)
{
    struct space *sp = p;
    free(sp->regions);
    free(sp);
}

static struct space *space_find(struct snag_symbolizer *s, uint32_t id)
{
    if (s->last_space && s->last_space->id == id)
        return s->last_space;
    struct space *sp = ptab_find(&s->spaces, hash_u64(id), space_eq, &id);
    if (sp)
        s->last_space = sp;
    return sp;
}

static struct space *space_get(struct snag_symbolizer *s, uint32_t id)
{
    struct space *sp = space_find(s, id);
    if (sp)
        return sp;
    sp = calloc(1, sizeof *sp);
    if (!sp)
        return NULL;
    sp->id = id;
    if (ptab_insert(&s->spaces, hash_u64(id), sp) != 0) {
        free(sp);
        return NULL;
    }
    return sp;
}

static const struct region *region_find(struct snag_symbolizer *s, uint32_t space, uint64_t address)
{
    if (!s)
        return NULL;
    struct space *sp = space_find(s, space);
    if (!sp)
        return NULL;
    size_t lo = 0, hi = sp->nregions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->regions[mid].low <= address)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || address >= sp->regions[lo - 1].high)
        return NULL;
    return &sp->regions[lo - 1];
}

/* Insert r, dropping whatever it overlaps. */
static int space_insert(struct space *sp, struct region r)
{
    size_t first = 0;
    while (first < sp->nregions && sp->regions[first].high <= r.low)
        first++;
    size_t last = first;
    while (last < sp->nregions && sp->regions[last].low < r.high)
        last++;
    size_t removed = last - first;
    if (removed == 0 && sp->nregions == sp->cap) {
        size_t ncap = sp->cap ? sp->cap * 2 : 8;
        struct region *nr = realloc(sp->regions, ncap * sizeof *nr);
        if (!nr)
            return -1;
        sp->regions = nr;
        sp->cap = ncap;
    }
    if (removed != 1)
        memmove(&sp->regions[first + 1], &sp->regions[last], (sp->nregions - last) * sizeof r);
    sp->regions[first] = r;
    sp->nregions = sp->nregions - removed + 1;
    return 0;
}

/* -------------------------------------------------------------- public API */

struct snag_symbolizer *snag_symbolizer_new(void)
{
    /* libelf refuses to work until told which ELF version we speak */
    if (elf_version(EV_CURRENT) == EV_NONE)
        return NULL;
    return calloc(1, sizeof(struct snag_symbolizer));
}

void snag_symbolizer_free(struct snag_symbolizer *s)
{
    if (!s)
        return;
    ptab_free(&s->spaces, space_free);
    ptab_free(&s->files, file_free);
    ptab_free(&s->strings, free);
    free(s);
}

int snag_symbolizer_add_module(struct snag_symbolizer *s, uint32_t space, const char *path, uint64_t base_address,
                               uint64_t low_address, uint64_t high_address, const uint8_t *build_id,
                               size_t build_id_size)
{
    if (!s || !path || low_address >= high_address) {
        errno = EINVAL;
        return -1;
    }
    struct sym_file *f = file_get(s, path, build_id, build_id_size);
    struct space *sp = f ? space_get(s, space) : NULL;
    if (!sp || space_insert(sp, (struct region){low_address, high_address, base_address, f}) != 0) {
        errno = ENOMEM;
        return -1;
    }
    if (!f->dwfl) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

int snag_symbolize_code_frames(struct snag_symbolizer *s, uint32_t space, uint64_t address, int is_return_address,
                               struct snag_code_location *frames, int max)
{
    if (!frames || max < 1)
        return -1;
    memset(&frames[0], 0, sizeof frames[0]);
    const struct region *r = region_find(s, space, address);
    if (!r)
        return -1;
    struct sym_file *f = r->file;
    uint64_t vaddr = address - r->base;
    struct code_result res = {NULL, 0, {NULL, NULL, 0}};
    if (f->dwfl)
        file_code(s, f, vaddr, is_return_address != 0, &res);
    int n = res.nframes < 1 ? 1 : res.nframes < max ? res.nframes : max;
    for (int i = 0; i < n; i++) {
        frames[i].function = res.frames ? res.frames[i].function : NULL;
        frames[i].file = res.frames ? res.frames[i].file : NULL;
        frames[i].line = res.frames ? res.frames[i].line : 0;
        frames[i].module = f->path;
        frames[i].module_offset = vaddr;
    }
    return n;
}

int snag_symbolize_code(struct snag_symbolizer *s, uint32_t space, uint64_t address, int is_return_address,
                        struct snag_code_location *out)
{
    return snag_symbolize_code_frames(s, space, address, is_return_address, out, 1) >= 1 ? 0 : -1;
}

int snag_symbolize_data(struct snag_symbolizer *s, uint32_t space, uint64_t address, const char **name,
                        uint64_t *offset)
{
    if (name)
        *name = NULL;
    if (offset)
        *offset = 0;
    const struct region *r = region_find(s, space, address);
    if (!r || !r->file->dwfl)
        return -1;
    struct sym_file *f = r->file;
    if (!f->data_loaded)
        file_load_data(s, f);
    uint64_t vaddr = address - r->base;
    const struct data_sym *d = file_data(f, vaddr);
    if (!d)
        return -1;
    if (name)
        *name = d->name;
    if (offset)
        *offset = vaddr - d->start;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash && slash[1] ? slash + 1 : path;
}

const char *snag_code_location_format(const struct snag_code_location *loc, char *buf, size_t size)
{
    if (!buf || size == 0)
        return "";
    if (!loc || !loc->module) {
        snprintf(buf, size, "??");
        return buf;
    }
    const char *mod = base_name(loc->module);
    unsigned long long off = loc->module_offset;
    if (loc->function && loc->file && loc->line > 0)
        snprintf(buf, size, "%s (%s:%d)", loc->function, base_name(loc->file), loc->line);
    else if (loc->function && loc->file)
        snprintf(buf, size, "%s (%s)", loc->function, base_name(loc->file));
    else if (loc->function)
        snprintf(buf, size, "%s (%s+0x%llx)", loc->function, mod, off);
    else if (loc->file && loc->line > 0)
        snprintf(buf, size, "%s:%d (%s+0x%llx)", base_name(loc->file), loc->line, mod, off);
    else
        snprintf(buf, size, "%s+0x%llx", mod, off);
    return buf;
}
