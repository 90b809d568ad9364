/* The shim's time source: the TSC where it is invariant, else CLOCK_MONOTONIC.
 * Ticks in records are raw clock values minus snag_clock.origin. */
#ifndef SNAG_SHIM_CLOCK_H
#define SNAG_SHIM_CLOCK_H

#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

struct snag_clock {
    int use_tsc;       /* 1: TSC; 0: CLOCK_MONOTONIC ns */
    uint64_t origin;   /* raw value at tick 0 */
    uint64_t hz;       /* raw ticks per second */
};

extern struct snag_clock snag_clock;

static inline uint64_t snag_clock_monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static inline uint64_t snag_clock_raw(void)
{
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_expect(snag_clock.use_tsc, 1)) return __rdtsc();
#endif
    return snag_clock_monotonic_ns();
}

static inline uint64_t snag_now_ticks(void)
{
    return snag_clock_raw() - snag_clock.origin;
}

/* Chooses the source and its rate: from SNAG_CLOCK/SNAG_TICK_HZ/SNAG_TICK_ORIGIN
 * when `snag run` measured them for the whole run, else by a short calibration. */
void snag_clock_setup(void);

#endif
