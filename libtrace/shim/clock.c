/* Clock selection and calibration (see clock.h). */
#define _GNU_SOURCE
#include "clock.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

struct snag_clock snag_clock = {0, 0, 1000000000u};

/* A TSC is usable as a shared time base only when it ticks at a constant
 * rate in every power state (CPUID 0x80000007 EDX bit 8, "invariant TSC"). */
static int tsc_is_invariant(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) || eax < 0x80000007u) return 0;
    __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
    return (edx >> 8) & 1u;
#else
    return 0;
#endif
}

static uint64_t env_u64(const char *name)
{
    const char *text = getenv(name);
    if (!text || !*text) return 0;
    char *end;
    unsigned long long value = strtoull(text, &end, 10);
    return *end ? 0 : (uint64_t)value;
}

void snag_clock_setup(void)
{
    const char *source = getenv("SNAG_CLOCK");
    uint64_t hz = env_u64("SNAG_TICK_HZ");
    if (source && strcmp(source, "monotonic") == 0) {
        snag_clock.use_tsc = 0;
        snag_clock.hz = 1000000000u;
    } else if (source && strcmp(source, "tsc") == 0 && hz && tsc_is_invariant()) {
        snag_clock.use_tsc = 1;
        snag_clock.hz = hz;
    }
#if defined(__x86_64__) || defined(__i386__)
    else if (tsc_is_invariant()) {
        /* Not started by `snag run`: measure the rate ourselves. 2 ms gives
         * ~1e-4; the reader refines it from the anchors of long runs. */
        uint64_t mono0 = snag_clock_monotonic_ns(), tsc0 = __rdtsc(), mono1, tsc1;
        do {
            mono1 = snag_clock_monotonic_ns();
            tsc1 = __rdtsc();
        } while (mono1 - mono0 < 2000000u);
        snag_clock.use_tsc = 1;
        snag_clock.hz = (uint64_t)((double)(tsc1 - tsc0) * 1e9 / (double)(mono1 - mono0));
    }
#endif
    else {
        snag_clock.use_tsc = 0;
        snag_clock.hz = 1000000000u;
    }
    uint64_t origin = env_u64("SNAG_TICK_ORIGIN");
    uint64_t raw = snag_clock_raw();
    snag_clock.origin = (origin && origin <= raw) ? origin : raw;
}
