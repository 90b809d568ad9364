/* Stack capture and the per-process table of distinct stacks (see stack.h).
 *
 * libunwind's unw_backtrace, local-only. What it does inside, and why that
 * is safe here: it takes no lock of the program's, allocates with mmap
 * (never malloc) a per-thread frame cache on its first use in a thread,
 * and calls pthread_once/pthread_key_create/pthread_setspecific (not
 * intercepted) and pthread_mutex_lock (intercepted: its global caches). The
 * capture runs with `in_shim` set and the thread's chunk looking full, so
 * whatever libunwind calls through our wrappers records nothing and cannot
 * capture again. Outside a capture, libunwind locks once more, when a thread
 * that captured ends (its frame cache's key destructor): that lock and its
 * release are hidden too (snag_stack_first_acquisition). */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include "stack.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <libunwind.h>

#include "writer.h"

/* libunwind's DWARF walk and its cursor need a few KiB; a thread with less
 * room than this left (a 16 KiB thread stack, a deep recursion) gets no
 * stack rather than a crash. */
#define MIN_STACK_ROOM (32u * 1024u)
#define SHIM_FRAMES_MAX 8u /* our own frames above the program's, at most */
#define TABLE_ENTRIES 4096u /* distinct stacks per process file; then "no id" */
#define TABLE_PROBES 32u

/* One distinct stack. `claim` is generation << 32 | hash: a slot whose
 * generation is not the current one is free. `ready` turns to the current
 * generation once the frames are written; until then nobody matches it. */
struct stack_entry {
    _Atomic uint64_t claim;
    _Atomic uint32_t ready;
    uint32_t depth;
    uint64_t frames[SNAG_STACK_MAX_FRAMES];
};

/* Static, zero: about 1 MiB of address space, pages touched only as stacks
 * arrive. A fork bumps the generation instead of clearing it. */
static struct stack_entry table[TABLE_ENTRIES];
static _Atomic uint32_t generation = 1;
struct code_range {
    uintptr_t address; /* a function inside it */
    uintptr_t low, high;
};
static struct code_range shim_code, unwinder_code;

uint64_t snag_stack_seen_pairs[SNAG_STACK_PAIR_WORDS];

/* The executable segment of the module holding range->address. */
static int find_code(struct dl_phdr_info *info, size_t size, void *argument)
{
    (void)size;
    struct code_range *range = argument;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        if (segment->p_type != PT_LOAD || !(segment->p_flags & PF_X)) continue;
        uintptr_t low = info->dlpi_addr + segment->p_vaddr;
        if (range->address >= low && range->address < low + segment->p_memsz) {
            range->low = low;
            range->high = low + segment->p_memsz;
            return 1;
        }
    }
    return 0;
}

static int in_code(const struct code_range *range, uintptr_t address)
{
    return address >= range->low && address < range->high;
}

void snag_stack_setup(void)
{
    if (shim_code.high) return;
    unwinder_code.address = (uintptr_t)&unw_backtrace;
    dl_iterate_phdr(find_code, &unwinder_code);
    shim_code.address = (uintptr_t)&snag_stack_capture;
    dl_iterate_phdr(find_code, &shim_code);
}

void snag_stack_after_fork_child(void)
{
    atomic_fetch_add(&generation, 1);
    memset(snag_stack_seen_pairs, 0, sizeof snag_stack_seen_pairs);
}

void snag_stack_set_thread_bounds(int is_main)
{
    struct snag_thread_state *thread = &snag_thread;
    if (is_main) {
        /* The main stack grows on demand up to RLIMIT_STACK below where the
         * kernel started it. */
        extern void *__libc_stack_end;
        struct rlimit limit;
        rlim_t size = 8u << 20;
        if (getrlimit(RLIMIT_STACK, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < (1u << 30))
            size = limit.rlim_cur;
        uintptr_t high = (uintptr_t)__libc_stack_end;
        if (!high || high < size) return;
        thread->stack_high = high;
        thread->stack_low = high - size;
        return;
    }
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return;
    void *address;
    size_t size, guard = 0;
    if (pthread_attr_getstack(&attributes, &address, &size) == 0) {
        pthread_attr_getguardsize(&attributes, &guard);
        thread->stack_low = (uintptr_t)address + guard; /* the guard may lie inside the reported range */
        thread->stack_high = (uintptr_t)address + size;
    }
    pthread_attr_destroy(&attributes);
}

/* Is there room on this stack for libunwind? No when the bounds are
 * unknown, or when we run on another stack (a signal handler on
 * sigaltstack, whose size we do not know). */
static int enough_stack_room(const struct snag_thread_state *thread)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    return thread->stack_low && here > thread->stack_low + MIN_STACK_ROOM && here < thread->stack_high;
}

/* The program's backtrace: the shim's own frames (the wrapper on top, the
 * start trampoline below a thread's routine) and libunwind's are left out. */
static unsigned backtrace_of_program(uint64_t *frames, unsigned skip_frames)
{
    void *raw[SNAG_STACK_MAX_FRAMES + SHIM_FRAMES_MAX];
    struct snag_thread_state *thread = &snag_thread;
    struct snag_thread_state saved = *thread;
    /* Everything the unwinder records through our wrappers is dropped: a
     * full-looking chunk sends it to refill, which refuses while in_shim. */
    thread->in_shim = 1;
    thread->end = thread->pos;
    int count = unw_backtrace(raw, (int)(sizeof raw / sizeof raw[0]));
    *thread = saved;
    unsigned depth = 0;
    for (int index = 0; index < count && depth < SNAG_STACK_MAX_FRAMES; index++) {
        /* libunwind's own frame shows when its fast path gives up (a cold cache) */
        if (!raw[index] || in_code(&shim_code, (uintptr_t)raw[index]) || in_code(&unwinder_code, (uintptr_t)raw[index]))
            continue;
        if (skip_frames) {
            skip_frames--;
            continue;
        }
        frames[depth++] = (uint64_t)(uintptr_t)raw[index];
    }
    return depth;
}

static uint64_t hash_frames(const uint64_t *frames, unsigned depth)
{
    uint64_t hash = UINT64_C(0xcbf29ce484222325) ^ depth;
    for (unsigned index = 0; index < depth; index++) {
        hash ^= frames[index];
        hash *= UINT64_C(0x9E3779B97F4A7C15);
        hash ^= hash >> 29;
    }
    return hash;
}

static int entry_matches(struct stack_entry *entry, uint32_t current, const uint64_t *frames, unsigned depth)
{
    return atomic_load_explicit(&entry->ready, memory_order_acquire) == current && entry->depth == depth &&
           memcmp(entry->frames, frames, depth * sizeof *frames) == 0;
}

/* The id of this stack in the current process file, claiming a slot (and
 * writing the STACK record) if it is new. Lock-free: two threads racing
 * for one new stack may each get a slot of their own, which costs a
 * duplicate record, never a wrong id. 0 when the table is crowded. */
static uint32_t stack_id(const uint64_t *frames, unsigned depth)
{
    uint32_t current = atomic_load_explicit(&generation, memory_order_acquire);
    uint64_t hash = hash_frames(frames, depth);
    uint64_t wanted = (uint64_t)current << 32 | (uint32_t)(hash >> 32);
    for (unsigned probe = 0; probe < TABLE_PROBES; probe++) {
        uint32_t index = (uint32_t)(hash + probe) & (TABLE_ENTRIES - 1);
        struct stack_entry *entry = &table[index];
        uint64_t claim = atomic_load_explicit(&entry->claim, memory_order_acquire);
        if ((uint32_t)(claim >> 32) == current) {
            if (claim == wanted && entry_matches(entry, current, frames, depth)) return index + 1;
            continue;
        }
        if (!atomic_compare_exchange_strong(&entry->claim, &claim, wanted)) {
            if (claim == wanted && entry_matches(entry, current, frames, depth)) return index + 1;
            continue; /* taken by another stack in the meantime */
        }
        entry->depth = depth;
        memcpy(entry->frames, frames, depth * sizeof *frames);
        atomic_store_explicit(&entry->ready, current, memory_order_release);
        snag_emit_variable(SNAG_REC_STACK, index + 1, frames, depth * sizeof *frames);
        return index + 1;
    }
    return 0;
}

uint32_t snag_stack_capture(unsigned skip_frames)
{
    struct snag_thread_state *thread = &snag_thread;
    if (thread->in_shim || !snag_writer_active() || !shim_code.high || !enough_stack_room(thread)) return 0;
    int saved_errno = errno;
    uint64_t frames[SNAG_STACK_MAX_FRAMES];
    unsigned depth = backtrace_of_program(frames, skip_frames);
    uint32_t id = depth ? stack_id(frames, depth) : 0;
    errno = saved_errno;
    return id;
}

void snag_record_stack_ref(uint32_t stack_id)
{
    if (!stack_id) return;
    struct snag_thread_state *thread = &snag_thread;
    /* Room for the reference, a SITE and an OBJECT record and the record
     * itself in this chunk: the reader never carries a reference across
     * chunks. Otherwise leave the rest zero (the end mark) and take a new one. */
    if (thread->pos && (size_t)((char *)thread->end - (char *)thread->pos) < 4 * 16) {
        thread->end = thread->pos;
        if (!snag_writer_refill(thread)) return;
    }
    snag_emit_now(SNAG_REC_STACK_REF, stack_id);
}

uint32_t snag_record_with_stack(uint8_t type, const volatile void *object, uintptr_t return_address)
{
    uint32_t stack = snag_stack_capture(0);
    snag_record_stack_ref(stack);
    snag_record(type, object, return_address);
    return stack;
}

int snag_stack_first_acquisition(uint64_t object, uintptr_t site)
{
    struct snag_thread_state *thread = &snag_thread;
    if (in_code(&unwinder_code, site)) {
        /* libunwind's own lock, not the program's: its release comes next
         * (mempool_free), so let the chunk look full until then; refill
         * puts it back and drops that one record. The pair stays unmarked. */
        thread->hiding = 1;
        thread->hidden_end = thread->end;
        thread->end = thread->pos;
        return 1;
    }
    /* Not yet possible (recording not started, inside the shim): leave the
     * pair unmarked, a later acquisition tries again. */
    if (thread->in_shim || !snag_writer_active()) return 0;
    /* Marked whatever the capture gives: a thread without room, or a full
     * table, must not pay an unwind on every acquisition. */
    uint32_t bit = snag_stack_pair_bit(object, site);
    __atomic_fetch_or(&snag_stack_seen_pairs[bit >> 6], UINT64_C(1) << (bit & 63), __ATOMIC_RELAXED);
    snag_record_stack_ref(snag_stack_capture(0));
    return 0;
}
