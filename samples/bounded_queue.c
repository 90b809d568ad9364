/* bounded_queue: producer/consumer bounded queue on one mutex (queue_lock) and two condvars (not_full, not_empty). */
/*
 * usage: bounded_queue [items [capacity [producers [consumers]]]]
 *        (defaults: 10000 items, capacity 4, 1 producer, 1 consumer)
 *
 * The items 1..items are split between the producers (producer p puts the
 * values p+1, p+1+producers, ...). Once every producer is joined, the main
 * thread puts one sentinel (0) per consumer; a consumer stops at the first
 * sentinel it takes. The queue is FIFO, so every item is consumed before any
 * sentinel. Prints "consumed=<items> sum=<items*(items+1)/2>".
 *
 * Lock calls (all through pthread_mutex_lock, one per put/take):
 *   queue_lock: items (producers) + consumers (main, sentinels)
 *             + items + consumers (consumer takes) = 2*items + 2*consumers.
 *   not_empty: signalled once per put (items + consumers times),
 *   not_full:  signalled once per take (items + consumers times).
 * How often pthread_cond_wait runs (and so re-takes queue_lock inside it)
 * depends on timing.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_args.h"

#define DEFAULT_ITEMS 10000L
#define DEFAULT_CAPACITY 4L
#define DEFAULT_PRODUCERS 1L
#define DEFAULT_CONSUMERS 1L
#define MAX_ITEMS 100000000L
#define MAX_CAPACITY 1048576L
#define MAX_THREADS 256L /* per role */
#define SENTINEL 0L      /* items are >= 1 */

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;

/* Ring buffer, all protected by queue_lock. */
static long *queue_slots;
static size_t queue_capacity;
static size_t queue_head;  /* index of the oldest item */
static size_t queue_count; /* items currently queued */

static long total_items = DEFAULT_ITEMS;
static long producer_count = DEFAULT_PRODUCERS;

struct producer_arg {
    long index;
};

struct consumer_result {
    long consumed;
    uint64_t sum;
};

/* Blocks while the queue is full, then appends one value. */
__attribute__((noinline)) static void queue_put(long value)
{
    pthread_mutex_lock(&queue_lock);
    while (queue_count == queue_capacity)
        pthread_cond_wait(&not_full, &queue_lock);
    queue_slots[(queue_head + queue_count) % queue_capacity] = value;
    queue_count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&queue_lock);
}

/* Blocks while the queue is empty, then removes the oldest value. */
__attribute__((noinline)) static long queue_take(void)
{
    pthread_mutex_lock(&queue_lock);
    while (queue_count == 0)
        pthread_cond_wait(&not_empty, &queue_lock);
    long value = queue_slots[queue_head];
    queue_head = (queue_head + 1) % queue_capacity;
    queue_count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&queue_lock);
    return value;
}

__attribute__((noinline)) static void *producer_thread(void *arg)
{
    const struct producer_arg *self = arg;

    for (long value = self->index + 1; value <= total_items; value += producer_count)
        queue_put(value);
    return NULL;
}

__attribute__((noinline)) static void *consumer_thread(void *arg)
{
    struct consumer_result *result = arg;

    for (;;) {
        long value = queue_take();
        if (value == SENTINEL)
            break;
        result->consumed++;
        result->sum += (uint64_t)value;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long items, capacity, producers, consumers;
    const struct sample_arg args[] = { /* the positional arguments, in order */
        {"items", 0, MAX_ITEMS, DEFAULT_ITEMS, "in total", &items},
        {"capacity", 1, MAX_CAPACITY, DEFAULT_CAPACITY, NULL, &capacity},
        {"producers", 1, MAX_THREADS, DEFAULT_PRODUCERS, NULL, &producers},
        {"consumers", 1, MAX_THREADS, DEFAULT_CONSUMERS, NULL, &consumers},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
    total_items = items;
    producer_count = producers;
    queue_capacity = (size_t)capacity;
    queue_slots = calloc(queue_capacity, sizeof *queue_slots);
    if (queue_slots == NULL) {
        perror("calloc");
        return 1;
    }

    pthread_t producer_ids[MAX_THREADS], consumer_ids[MAX_THREADS];
    struct producer_arg producer_args[MAX_THREADS];
    struct consumer_result results[MAX_THREADS];
    memset(results, 0, sizeof results);

    for (long c = 0; c < consumers; c++) {
        int rc = pthread_create(&consumer_ids[c], NULL, consumer_thread, &results[c]);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long p = 0; p < producers; p++) {
        producer_args[p].index = p;
        int rc = pthread_create(&producer_ids[p], NULL, producer_thread, &producer_args[p]);
        if (rc != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(rc));
            return 1;
        }
    }
    for (long p = 0; p < producers; p++)
        pthread_join(producer_ids[p], NULL);
    /* Every real item is queued now: one sentinel per consumer goes behind them. */
    for (long c = 0; c < consumers; c++)
        queue_put(SENTINEL);

    long consumed = 0;
    uint64_t sum = 0;
    for (long c = 0; c < consumers; c++) {
        pthread_join(consumer_ids[c], NULL);
        consumed += results[c].consumed;
        sum += results[c].sum;
    }
    free(queue_slots);

    uint64_t expected = (uint64_t)items * ((uint64_t)items + 1) / 2;
    printf("consumed=%ld sum=%llu\n", consumed, (unsigned long long)sum);
    if (consumed != items || sum != expected) {
        fprintf(stderr, "bounded_queue: expected consumed=%ld sum=%llu\n", items,
                (unsigned long long)expected);
        return 1;
    }
    return 0;
}
