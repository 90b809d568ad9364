/* What every wrapper file shares. Each wrapper has one shape: make sure the
 * real function is known, take the caller's address, record, call the real
 * function, return exactly what it returned (errno untouched). */
#ifndef SNAG_SHIM_WRAP_H
#define SNAG_SHIM_WRAP_H

#include <errno.h>

#include "real.h"
#include "wait_state.h"
#include "writer.h"

#define SNAG_EXPORT __attribute__((visibility("default")))
#define SNAG_LIKELY(x) __builtin_expect(!!(x), 1)
#define SNAG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SNAG_SLOW __attribute__((noinline, cold))

#define SNAG_T(cls, op) SNAG_TYPE(SNAG_CLASS_##cls, SNAG_OP_##op)

/* Record that the operation in progress on `object` failed with `error`. */
static inline void snag_record_failure(uint8_t cls, const volatile void *object, int error)
{
    snag_record_aux(SNAG_TYPE(cls, SNAG_OP_FAILED), object, (uint16_t)(error < 0xffff ? error : 0xfffe));
}

#endif
