/* rwlock_cache: a read-mostly cache under one pthread_rwlock_t (cache_lock): many readers, one writer. */
/*
 * usage: rwlock_cache [readers [lookups [updates]]]
 *        (defaults: 3 readers, 20000 lookups per reader, 200 updates)
 *
 * Each reader does `lookups` calls to cache_lookup() (one rdlock each); the
 * single writer does `updates` calls to cache_update() (one wrlock each), each
 * bumping the cache version and rewriting every entry. Readers check that an
 * entry matches the version they saw under the lock (a torn read would count
 * as a mismatch). So cache_lock is read-locked exactly readers*lookups times
 * and write-locked exactly updates times. Prints
 * "lookups=<readers*lookups> updates=<updates> version=<updates> mismatches=0 checksum=<n>",
 * where checksum is the sum of the final cache entries (independent of timing).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sample_args.h"

#define DEFAULT_READERS 3L
#define DEFAULT_LOOKUPS 20000L
#define DEFAULT_UPDATES 200L
#define MAX_READERS 256L
#define MAX_LOOKUPS 100000000L
#define MAX_UPDATES 10000000L
#define CACHE_ENTRIES 64
#define OUTSIDE_WORK_STEPS 64 /* work between two lock calls, so the writer gets gaps */

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Protected by cache_lock. */
static struct {
    uint64_t version;
    uint64_t values[CACHE_ENTRIES]; /* values[k] == cache_value(version, k) */
} cache;

static long lookups_per_reader = DEFAULT_LOOKUPS;
static long update_count = DEFAULT_UPDATES;

struct reader_result {
    long index;
    long lookups;
    long mismatches;
};

static uint64_t cache_value(uint64_t version, unsigned key)
{
    return version * 1000003u + key;
}

static void work_outside_lock(void)
{
    volatile unsigned scratch = 0;
    for (unsigned step = 0; step < OUTSIDE_WORK_STEPS; step++)
        scratch = scratch * 31u + step;
}

/* Reader side: one read lock; returns 1 if the entry is consistent with the version. */
__attribute__((noinline)) static int cache_lookup(unsigned key)
{
    pthread_rwlock_rdlock(&cache_lock);
    uint64_t version = cache.version;
    uint64_t value = cache.values[key];
    pthread_rwlock_unlock(&cache_lock);
    return value == cache_value(version, key);
}

/* Writer side: one write lock; new version, every entry rewritten. */
__attribute__((noinline)) static void cache_update(void)
{
    pthread_rwlock_wrlock(&cache_lock);
    uint64_t version = cache.version + 1;
    for (unsigned key = 0; key < CACHE_ENTRIES; key++)
        cache.values[key] = cache_value(version, key);
    cache.version = version;
    pthread_rwlock_unlock(&cache_lock);
}

__attribute__((noinline)) static void *cache_reader(void *arg)
{
    struct reader_result *result = arg;

    for (long i = 0; i < lookups_per_reader; i++) {
        unsigned key = (unsigned)((result->index * 7 + i) % CACHE_ENTRIES);
        if (!cache_lookup(key))
            result->mismatches++;
        result->lookups++;
        work_outside_lock();
    }
    return NULL;
}

__attribute__((noinline)) static void *cache_writer(void *unused)
{
    (void)unused;
    for (long i = 0; i < update_count; i++) {
        cache_update();
        for (int pause = 0; pause < 16; pause++)
            work_outside_lock();
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long readers, lookups, updates;
    const struct sample_arg args[] = { /* the positional arguments, in order */
        {"readers", 1, MAX_READERS, DEFAULT_READERS, NULL, &readers},
        {"lookups", 0, MAX_LOOKUPS, DEFAULT_LOOKUPS, "per reader", &lookups},
        {"updates", 0, MAX_UPDATES, DEFAULT_UPDATES, "by the writer", &updates},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    lookups_per_reader = lookups;
    update_count = updates;

    /* Version 0 before any thread exists: no lock needed yet. */
    for (unsigned key = 0; key < CACHE_ENTRIES; key++)
        cache.values[key] = cache_value(0, key);

    pthread_t reader_ids[MAX_READERS], writer_id;
    struct reader_result results[MAX_READERS];
    memset(results, 0, sizeof results);

    for (long r = 0; r < readers; r++) {
        results[r].index = r;
        int rc = pthread_create(&reader_ids[r], NULL, cache_reader, &results[r]);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    int rc = pthread_create(&writer_id, NULL, cache_writer, NULL);
    if (rc != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(rc));
        return 1;
    }

    long total_lookups = 0, mismatches = 0;
    for (long r = 0; r < readers; r++) {
        pthread_join(reader_ids[r], NULL);
        total_lookups += results[r].lookups;
        mismatches += results[r].mismatches;
    }
    pthread_join(writer_id, NULL);

    /* Every thread is joined: the final cache can be read without the lock. */
    uint64_t checksum = 0;
    for (unsigned key = 0; key < CACHE_ENTRIES; key++)
        checksum += cache.values[key];

    printf("lookups=%ld updates=%ld version=%llu mismatches=%ld checksum=%llu\n", total_lookups,
           updates, (unsigned long long)cache.version, mismatches, (unsigned long long)checksum);
    if (total_lookups != readers * lookups || cache.version != (uint64_t)updates || mismatches != 0)
        return 1;
    return 0;
}
