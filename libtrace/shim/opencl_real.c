/* Resolution of the real OpenCL functions (see opencl_real.h). */
#define _GNU_SOURCE
#include "opencl_real.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <string.h>

#include "real.h"

struct snag_opencl_real_table snag_opencl_real;

static atomic_int resolve_state;
static __thread int resolving_here __attribute__((tls_model("initial-exec")));

/* The next definition after ours is the ICD loader's when the program links
 * against it or dlopened it RTLD_GLOBAL. A program that loaded it RTLD_LOCAL
 * and reached us anyway (dlsym(RTLD_DEFAULT, ...) of a name we define) gets
 * the loaded library's functions through RTLD_NOLOAD: never a new load. */
static void *lookup(void *local_library, const char *name)
{
    void *function = dlsym(RTLD_NEXT, name);
    if (!function && local_library) function = dlsym(local_library, name);
    return function;
}

static void resolve_table(void)
{
    void *local_library = snag_real.dlopen ? snag_real.dlopen("libOpenCL.so.1", RTLD_LAZY | RTLD_NOLOAD) : NULL;
    struct snag_opencl_real_table table;
#define SNAG_OPENCL_LOOKUP(name, ret, params) table.name = (ret(CL_API_CALL *) params)lookup(local_library, #name);
    SNAG_OPENCL_WRAPPED_FUNCTIONS(SNAG_OPENCL_LOOKUP)
    SNAG_OPENCL_HELPER_FUNCTIONS(SNAG_OPENCL_LOOKUP)
#undef SNAG_OPENCL_LOOKUP
    memcpy(&snag_opencl_real, &table, sizeof table);
}

int snag_opencl_real_resolve(void)
{
    if (!snag_real_resolve()) return 0;
    return snag_resolve_once(&resolve_state, &resolving_here, resolve_table);
}
