/* Per-lock and per-thread statistics (see snag/lockstats.h). */
#include "snag/lockstats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* What a thread holds: one entry per lock, with its nesting depth. */
struct held {
    size_t lock;
    uint32_t depth;
    uint64_t since_ns;
};

/* The call a thread is blocked in, if any. */
struct pending {
    bool active;
    size_t lock;              /* SIZE_MAX for a join */
    uint64_t since_ns;
    uint64_t site;
    enum snag_block_kind kind;
    uint32_t stack;
};

struct thread_state {
    struct held *held;
    size_t held_count, held_capacity;
    struct pending pending;
    bool after_cond_wake;     /* the next mutex acquisition is the condvar's re-lock */
};

struct snag_lockstats {
    struct snag_lock_stats *locks;
    size_t lock_count, lock_capacity;
    size_t *table;            /* open addressing: lock index + 1, 0 = empty */
    size_t table_size;
    struct snag_thread_stats *threads;
    struct thread_state *states;
    size_t thread_count;
};

static uint64_t hash_key(uint32_t process, uint8_t object_class, uint64_t address)
{
    uint64_t key = address ^ ((uint64_t)process << 48) ^ ((uint64_t)object_class << 40);
    key ^= key >> 33;
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return key;
}

static int rehash(struct snag_lockstats *stats)
{
    size_t size = stats->table_size ? stats->table_size * 2 : 1024;
    size_t *table = calloc(size, sizeof *table);
    if (!table) return -1;
    /* Only the newest instance of each object is current: insert newest
     * first and leave older instances of the same object out. */
    for (size_t index = stats->lock_count; index-- > 0;) {
        const struct snag_lock_stats *lock = &stats->locks[index];
        size_t slot = hash_key(lock->process, lock->object_class, lock->address) & (size_t)(size - 1);
        bool newer_present = false;
        while (table[slot] && !newer_present) {
            const struct snag_lock_stats *other = &stats->locks[table[slot] - 1];
            newer_present = other->process == lock->process && other->object_class == lock->object_class &&
                            other->address == lock->address;
            slot = (slot + 1) & (size - 1);
        }
        if (!newer_present) table[slot] = index + 1;
    }
    free(stats->table);
    stats->table = table;
    stats->table_size = size;
    return 0;
}

/* The current instance of the object, created on first sight. Later
 * instances at the same address replace earlier ones in the table. */
static struct snag_lock_stats *lock_for(struct snag_lockstats *stats, const struct snag_event *event, bool fresh,
                                        size_t *index_out)
{
    if ((stats->lock_count + 1) * 2 > stats->table_size && rehash(stats)) return NULL;
    size_t mask = stats->table_size - 1;
    size_t slot = hash_key(event->process, event->object_class, event->object) & mask;
    uint32_t instance = 0;
    while (stats->table[slot]) {
        struct snag_lock_stats *lock = &stats->locks[stats->table[slot] - 1];
        if (lock->process == event->process && lock->object_class == event->object_class &&
            lock->address == event->object) {
            if (!fresh) {
                *index_out = stats->table[slot] - 1;
                return lock;
            }
            instance = lock->instance + 1;
            break;
        }
        slot = (slot + 1) & mask;
    }
    if (stats->lock_count == stats->lock_capacity) {
        size_t capacity = stats->lock_capacity ? stats->lock_capacity * 2 : 256;
        struct snag_lock_stats *bigger = realloc(stats->locks, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        stats->locks = bigger;
        stats->lock_capacity = capacity;
    }
    struct snag_lock_stats *lock = &stats->locks[stats->lock_count];
    memset(lock, 0, sizeof *lock);
    lock->process = event->process;
    lock->object_class = event->object_class;
    lock->address = event->object;
    lock->instance = instance;
    lock->first_ns = event->time_ns;
    stats->table[slot] = ++stats->lock_count;
    *index_out = stats->lock_count - 1;
    return lock;
}

static struct snag_site_stats *site_for(struct snag_lock_stats *lock, uint64_t site)
{
    for (size_t index = 0; index < lock->site_count; index++)
        if (lock->sites[index].site == site) return &lock->sites[index];
    struct snag_site_stats *bigger = realloc(lock->sites, (lock->site_count + 1) * sizeof *bigger);
    if (!bigger) return NULL;
    lock->sites = bigger;
    struct snag_site_stats *entry = &lock->sites[lock->site_count++];
    memset(entry, 0, sizeof *entry);
    entry->site = site;
    return entry;
}

/* Counts one wait with a captured stack. */
static void count_stack(struct snag_lock_stats *lock, uint32_t stack)
{
    if (!stack) return;
    for (size_t index = 0; index < lock->stack_count; index++)
        if (lock->stacks[index].stack == stack) {
            lock->stacks[index].count++;
            return;
        }
    struct snag_stack_stats *bigger = realloc(lock->stacks, (lock->stack_count + 1) * sizeof *bigger);
    if (!bigger) return;
    lock->stacks = bigger;
    lock->stacks[lock->stack_count++] = (struct snag_stack_stats){stack, 1};
}

static int compare_stacks(const void *left, const void *right)
{
    const struct snag_stack_stats *a = left, *b = right;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return a->stack < b->stack ? -1 : a->stack > b->stack;
}

static struct held *held_for(struct thread_state *state, size_t lock, bool create)
{
    for (size_t index = 0; index < state->held_count; index++)
        if (state->held[index].lock == lock) return &state->held[index];
    if (!create) return NULL;
    if (state->held_count == state->held_capacity) {
        size_t capacity = state->held_capacity ? state->held_capacity * 2 : 8;
        struct held *bigger = realloc(state->held, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        state->held = bigger;
        state->held_capacity = capacity;
    }
    struct held *entry = &state->held[state->held_count++];
    *entry = (struct held){lock, 0, 0};
    return entry;
}

static void drop_held(struct thread_state *state, struct held *entry)
{
    *entry = state->held[--state->held_count];
}

static enum snag_block_kind block_kind(uint8_t object_class)
{
    switch (object_class) {
    case SNAG_CLASS_COND: return SNAG_BLOCK_COND;
    case SNAG_CLASS_SEM: return SNAG_BLOCK_SEM;
    case SNAG_CLASS_BARRIER: return SNAG_BLOCK_BARRIER;
    case SNAG_CLASS_THREAD: return SNAG_BLOCK_JOIN;
    default: return SNAG_BLOCK_LOCK;
    }
}

/* A blocking call ended (acquired, woke, failed): account the wait. */
static uint64_t end_wait(struct snag_lockstats *stats, uint32_t thread, struct snag_lock_stats *lock,
                         const struct snag_event *event)
{
    struct pending *pending = &stats->states[thread].pending;
    if (!pending->active) return 0;
    uint64_t waited = event->time_ns > pending->since_ns ? event->time_ns - pending->since_ns : 0;
    stats->threads[thread].blocked_ns[pending->kind] += waited;
    pending->active = false;
    if (lock) {
        lock->wait_ns_total += waited;
        if (waited > lock->wait_ns_max) lock->wait_ns_max = waited;
    }
    return waited;
}

static void begin_hold(struct thread_state *state, size_t index, uint64_t now)
{
    struct held *entry = held_for(state, index, true);
    if (entry && entry->depth++ == 0) entry->since_ns = now;
}

static void end_hold(struct thread_state *state, struct snag_lock_stats *lock, size_t index, uint64_t now)
{
    struct held *entry = held_for(state, index, false);
    if (!entry) return; /* released by a thread that did not take it (sem post, misuse) */
    if (--entry->depth > 0) return;
    uint64_t held_for_ns = now > entry->since_ns ? now - entry->since_ns : 0;
    lock->hold_ns_total += held_for_ns;
    if (held_for_ns > lock->hold_ns_max) lock->hold_ns_max = held_for_ns;
    drop_held(state, entry);
}

static void account(struct snag_lockstats *stats, const struct snag_event *event)
{
    uint32_t thread = event->thread;
    struct thread_state *state = &stats->states[thread];
    if (event->object_class == SNAG_CLASS_THREAD) { /* joins only: threads are not locks */
        if (event->op == SNAG_OP_WAIT) {
            state->pending = (struct pending){true, SIZE_MAX, event->time_ns, event->site, SNAG_BLOCK_JOIN, 0};
        } else if (event->op == SNAG_OP_ACQUIRE || event->op == SNAG_OP_FAILED) {
            end_wait(stats, thread, NULL, event);
        }
        return;
    }
    size_t index;
    struct snag_lock_stats *lock = lock_for(stats, event, event->op == SNAG_OP_INIT, &index);
    if (!lock) return;
    lock->last_ns = event->time_ns;
    bool cond_relock = false;
    switch (event->op) {
    case SNAG_OP_INIT: lock->init_site = event->site; break;
    case SNAG_OP_ATTRIBUTE:
        lock->has_attribute = 1;
        lock->attribute = event->aux;
        break;
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED:
        if (!lock->first_site) lock->first_site = event->site;
        state->pending = (struct pending){true, index, event->time_ns, event->site, block_kind(event->object_class),
                                          event->stack};
        break;
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED: {
        cond_relock = event->object_class == SNAG_CLASS_MUTEX && state->after_cond_wake;
        bool contended = state->pending.active && state->pending.lock == index;
        uint64_t waited = contended ? end_wait(stats, thread, lock, event) : 0;
        if (cond_relock) {
            lock->reacquisitions++;
        } else {
            if (!lock->first_site) lock->first_site = event->site;
            lock->acquisitions++;
            stats->threads[thread].acquisitions++;
            if (event->op == SNAG_OP_ACQUIRE_SHARED) lock->shared_acquisitions++;
            if (contended) {
                lock->contended++;
                count_stack(lock, state->pending.stack);
            }
            struct snag_site_stats *site = site_for(lock, event->site);
            if (site) {
                site->acquisitions++;
                site->contended += contended;
                site->wait_ns_total += waited;
            }
        }
        if (event->object_class != SNAG_CLASS_SEM || lock->has_attribute) begin_hold(state, index, event->time_ns);
        break;
    }
    case SNAG_OP_WAKE: { /* cond or barrier wait returned: that is its "acquisition" */
        uint32_t stack = state->pending.active ? state->pending.stack : 0;
        uint64_t waited = end_wait(stats, thread, lock, event);
        lock->acquisitions++;
        count_stack(lock, stack);
        struct snag_site_stats *site = site_for(lock, state->pending.site);
        if (site) {
            site->acquisitions++;
            site->wait_ns_total += waited;
        }
        if (event->object_class == SNAG_CLASS_COND) cond_relock = true;
        break;
    }
    case SNAG_OP_FAILED:
        lock->failures++;
        if (state->pending.active && state->pending.lock == index) {
            end_wait(stats, thread, lock, event);
            if (event->object_class == SNAG_CLASS_COND) cond_relock = true; /* cancelled: mutex taken back */
        }
        break;
    case SNAG_OP_TRY_BUSY: lock->try_busy++; break;
    case SNAG_OP_RELEASE:
        if (event->object_class == SNAG_CLASS_SEM) lock->signals++;
        end_hold(state, lock, index, event->time_ns);
        break;
    case SNAG_OP_SIGNAL:
    case SNAG_OP_BROADCAST: lock->signals++; break;
    case SNAG_OP_DESTROY: break;
    default: break;
    }
    state->after_cond_wake = cond_relock;
}

static int compare_locks(const void *left, const void *right)
{
    const struct snag_lock_stats *a = left, *b = right;
    if (a->wait_ns_total != b->wait_ns_total) return a->wait_ns_total > b->wait_ns_total ? -1 : 1;
    if (a->contended != b->contended) return a->contended > b->contended ? -1 : 1;
    if (a->acquisitions != b->acquisitions) return a->acquisitions > b->acquisitions ? -1 : 1;
    if (a->process != b->process) return a->process < b->process ? -1 : 1;
    return a->address < b->address ? -1 : a->address > b->address;
}

struct snag_lockstats *snag_lockstats_compute(const struct snag_trace *trace)
{
    struct snag_lockstats *stats = calloc(1, sizeof *stats);
    if (!stats) return NULL;
    stats->thread_count = snag_trace_thread_count(trace);
    stats->threads = calloc(stats->thread_count ? stats->thread_count : 1, sizeof *stats->threads);
    stats->states = calloc(stats->thread_count ? stats->thread_count : 1, sizeof *stats->states);
    struct snag_event_cursor *cursor = snag_events_all(trace);
    if (!stats->threads || !stats->states || !cursor || rehash(stats)) {
        snag_event_cursor_free(cursor);
        snag_lockstats_free(stats);
        return NULL;
    }
    struct snag_event event;
    while (snag_event_next(cursor, &event)) account(stats, &event);
    snag_event_cursor_free(cursor);
    /* Threads still blocked at the end (a hang, a kill) waited until their end. */
    for (size_t thread = 0; thread < stats->thread_count; thread++) {
        struct pending *pending = &stats->states[thread].pending;
        if (!pending->active) continue;
        const struct snag_thread_info *info = snag_trace_thread(trace, thread);
        struct snag_event end = {.time_ns = info->end_ns, .thread = (uint32_t)thread};
        end_wait(stats, (uint32_t)thread, pending->lock == SIZE_MAX ? NULL : &stats->locks[pending->lock], &end);
    }
    for (size_t thread = 0; thread < stats->thread_count; thread++) free(stats->states[thread].held);
    free(stats->states);
    stats->states = NULL;
    free(stats->table);
    stats->table = NULL;
    for (size_t index = 0; index < stats->lock_count; index++)
        if (stats->locks[index].stack_count > 1)
            qsort(stats->locks[index].stacks, stats->locks[index].stack_count, sizeof *stats->locks[index].stacks,
                  compare_stacks);
    if (stats->lock_count) qsort(stats->locks, stats->lock_count, sizeof *stats->locks, compare_locks);
    return stats;
}

void snag_lockstats_free(struct snag_lockstats *stats)
{
    if (!stats) return;
    for (size_t index = 0; index < stats->lock_count; index++) {
        free(stats->locks[index].sites);
        free(stats->locks[index].stacks);
    }
    if (stats->states)
        for (size_t thread = 0; thread < stats->thread_count; thread++) free(stats->states[thread].held);
    free(stats->locks);
    free(stats->table);
    free(stats->threads);
    free(stats->states);
    free(stats);
}

size_t snag_lockstats_lock_count(const struct snag_lockstats *stats) { return stats->lock_count; }

const struct snag_lock_stats *snag_lockstats_lock(const struct snag_lockstats *stats, size_t index)
{
    return index < stats->lock_count ? &stats->locks[index] : NULL;
}

const struct snag_thread_stats *snag_lockstats_thread(const struct snag_lockstats *stats, uint32_t thread)
{
    return thread < stats->thread_count ? &stats->threads[thread] : NULL;
}

const char *snag_block_kind_name(enum snag_block_kind kind)
{
    static const char *const names[] = {"lock", "cond", "sem", "barrier", "join"};
    return kind < SNAG_BLOCK_KINDS ? names[kind] : "?";
}
