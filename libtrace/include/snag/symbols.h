/* snag offline symboliser: turns the raw code and data addresses recorded by
 * the shim into "function (file:line)" and variable names.
 *
 * It works after the fact, from the files on disk, so everything it is given
 * (paths, ranges, build ids, addresses) comes from a trace file and is treated
 * as untrusted: bad input gives a poorer answer, never a crash.
 *
 * One symboliser is not thread-safe (libdwfl sessions are not); use one per
 * thread or serialise calls.
 */
#ifndef SNAG_SYMBOLS_H
#define SNAG_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque: it owns the opened ELF/DWARF files, the per-file lookup caches and
 * every string it hands out. */
struct snag_symbolizer;

/* NULL on allocation failure. */
struct snag_symbolizer *snag_symbolizer_new(void);
/* Invalidates every string previously returned. NULL is accepted. */
void snag_symbolizer_free(struct snag_symbolizer *);

/* Register a module loaded in address space `space` (one space per traced
 * process image, numbered by the caller 0..N).
 *
 * base_address is the load bias (ELF vaddr + base = runtime address); low/high
 * the runtime range [low, high) of its PT_LOAD segments; build_id may be
 * NULL/0.
 *
 * The same file (same path and build id) registered in many spaces is opened
 * and indexed once and shared, so 200 processes of one program cost one set of
 * DWARF tables. A build id that differs from the file now on disk means the
 * file was replaced since the trace: its lines would be wrong, so it is not
 * used. Without a build id the file on disk is trusted.
 *
 * A range overlapping ranges already registered in that space replaces them
 * (the later mapping wins, as after dlclose/dlopen at the same address).
 *
 * Returns 0, or -1 if the file cannot be used (missing, not an ELF executable
 * or shared object, build id differs): the range is still registered and the
 * symbolizer answers module+offset for it. Returns -1 with errno EINVAL and
 * registers nothing if path is NULL or low >= high (ENOMEM: out of memory). */
int snag_symbolizer_add_module(struct snag_symbolizer *, uint32_t space, const char *path,
                               uint64_t base_address, uint64_t low_address, uint64_t high_address,
                               const uint8_t *build_id, size_t build_id_size);

struct snag_code_location {
    const char *function;   /* demangling not needed; NULL if unknown */
    const char *file;       /* source file (as in DWARF, full path ok), NULL if unknown */
    int line;               /* 0 if unknown */
    const char *module;     /* module path, NULL if the address is in no module */
    uint64_t module_offset; /* address - base_address of the module (ELF vaddr) */
};

/* Symbolise a code address. is_return_address: when set, look up address-1
 * (the call instruction), because a return address already points at the
 * next statement, often on another line or even in another function after a
 * noreturn call.
 *
 * For an address inside inlined code this answers the innermost frame (the
 * inlined callee, at the line of the instruction), like
 * snag_symbolize_code_frames()[0].
 *
 * Returns 0 on success (even partial: module+offset only), -1 if the address
 * is in no known module (out is then zeroed). Strings are owned by the
 * symbolizer, valid until free. Results are cached per file, so asking again
 * (from any space) is a hash lookup. */
int snag_symbolize_code(struct snag_symbolizer *, uint32_t space, uint64_t address,
                        int is_return_address, struct snag_code_location *out);

/* Inline-aware: fills up to max frames for one address, innermost first
 * (inlined callee, ..., the real function). Frame i > 0 gets the file:line of
 * the call site of frame i-1 inside it, so the frames read like a backtrace.
 * All frames carry the same module and module_offset.
 * Returns the number filled (>=1 on success), -1 if no module (or max < 1). */
int snag_symbolize_code_frames(struct snag_symbolizer *, uint32_t space, uint64_t address,
                               int is_return_address, struct snag_code_location *frames, int max);

/* Name of the data symbol (global or static variable, from .symtab or
 * .dynsym, or from separate debug info when the file is stripped) containing
 * address; *offset gets address - symbol start. Locks are usually fields of
 * bigger objects, hence the offset. Only STT_OBJECT/STT_COMMON symbols whose
 * [value, value+size) contains the address count (size 0: exact match only);
 * TLS symbols are not addresses and never match.
 * Returns 0 on success, -1 if none (then *name = NULL, *offset = 0).
 * Used to label locks by their variable name, e.g. "accounts_lock". */
int snag_symbolize_data(struct snag_symbolizer *, uint32_t space, uint64_t address,
                        const char **name, uint64_t *offset);

/* A short display form into buf: "function (file:line)" with the file's
 * basename, falling back to "function (module+0x1234)", "module+0x1234", or
 * "??" for no module. Always NUL-terminated (truncated to size); returns buf,
 * or "" if buf is NULL or size is 0. */
const char *snag_code_location_format(const struct snag_code_location *, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* SNAG_SYMBOLS_H */
