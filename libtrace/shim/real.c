/* Resolution of the real functions behind the wrappers (see real.h). */
#define _GNU_SOURCE
#include "real.h"

#include <dlfcn.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct snag_real_table snag_real;

enum { UNRESOLVED, RESOLVING, RESOLVED };
static atomic_int resolve_state = UNRESOLVED;
static __thread int resolving_here __attribute__((tls_model("initial-exec")));

int snag_resolve_once(atomic_int *state, int *resolving_on_this_thread, void (*resolve)(void))
{
    int seen = atomic_load_explicit(state, memory_order_acquire);
    if (seen == RESOLVED) return 1;
    if (*resolving_on_this_thread) return 0;
    seen = UNRESOLVED;
    if (atomic_compare_exchange_strong(state, &seen, RESOLVING)) {
        *resolving_on_this_thread = 1;
        resolve();
        *resolving_on_this_thread = 0;
        atomic_store_explicit(state, RESOLVED, memory_order_release);
        return 1;
    }
    /* Another thread is resolving: dlsym takes no lock of ours, so it finishes. */
    while (atomic_load_explicit(state, memory_order_acquire) != RESOLVED) sched_yield();
    return 1;
}

/* pthread_cond_* exist in two ABIs; plain dlsym can hand back the 2.2.5
 * compatibility one, whose condvar layout differs from what programs built
 * today use. Ask for the current ABI by version, per architecture. */
static const char *const cond_abi_versions[] = {"GLIBC_2.3.2", "GLIBC_2.17", "GLIBC_2.27", NULL};

static void *lookup(const char *name)
{
    if (strncmp(name, "pthread_cond_", 13) == 0 && strcmp(name, "pthread_cond_clockwait") != 0) {
        for (const char *const *version = cond_abi_versions; *version; version++) {
            void *function = dlvsym(RTLD_NEXT, name, *version);
            if (function) return function;
        }
    }
    return dlsym(RTLD_NEXT, name);
}

/* A function missing from this libc (an old glibc without the *_clock* calls)
 * must not be called: this stand-in answers ENOSYS instead of crashing. */
static int missing_function(void)
{
    return 38; /* ENOSYS */
}

static void resolve_table(void)
{
    struct snag_real_table table;
#define SNAG_REAL_LOOKUP(name, ret, params)                                       \
    table.name = (ret(*) params)lookup(#name);                                    \
    if (!table.name) table.name = (ret(*) params)(void (*)(void))missing_function;
    SNAG_REAL_FUNCTIONS(SNAG_REAL_LOOKUP)
#undef SNAG_REAL_LOOKUP
    memcpy(&snag_real, &table, sizeof table);
}

int snag_real_resolve(void)
{
    return snag_resolve_once(&resolve_state, &resolving_here, resolve_table);
}
