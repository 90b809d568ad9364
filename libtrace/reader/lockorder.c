/* lock_order_inversion findings (see snag/findings.h), lockdep-style: from
 * the order in which each thread nests its acquisitions over the whole run,
 * a graph with an edge A -> B when a thread took B while holding A. A cycle
 * in it is an order that can deadlock when its threads meet at the wrong
 * moment, even if this run never did.
 *
 * What makes no edge, or no finding (each one a way a correct program nests
 * locks that cannot deadlock):
 *   - a try acquisition (BY_TRY): a thread that can back off cannot wait
 *     for good. sem_trywait is not marked, so semaphores always count;
 *   - a read lock taken while holding a read lock (readers do not block
 *     readers); a cycle is reported only if at every step the lock wanted
 *     conflicts with the way the next thread holds it;
 *   - a cycle whose every step was taken while one same other lock was held
 *     (a gate lock): the threads can never be at two steps at once;
 *   - a cycle whose every step was taken by one and the same thread: it
 *     cannot wait for itself through the order alone, and CPython makes such
 *     cycles in every Condition.wait() (its waiter lock is taken under the
 *     condition's lock, which is then taken back while the waiter is held);
 *   - the same address before and after a re-initialisation: two locks.
 * Semaphores initialised to 1 count as locks (CPython's threading.Lock),
 * owned by the thread that took them until someone posts.
 *
 * The walk costs a few comparisons per acquisition per lock held; edges are
 * kept once per ordered pair, and cycles are searched once at the end, in
 * each strongly connected part of the graph only. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "findings_build.h"
#include "lock_identity.h"

#define MAX_GATES 8      /* other locks remembered per edge (those past it cannot gate) */
#define MAX_CYCLE 8      /* locks in a reported cycle */

/* rwlock modes of an edge: bit (held_shared * 2 + wanted_shared) */
#define MODE_BIT(held_shared, wanted_shared) (1u << ((held_shared) * 2 + (wanted_shared)))

struct lock_state {
    bool is_lock;        /* mutex, rwlock, spinlock, or a semaphore initialised to 1 */
    uint32_t owner;      /* the thread holding it exclusively, SNAG_NO_INDEX if none */
    uint32_t *out_edges; /* edge indexes from this lock */
    size_t out_count, out_capacity;
    /* cycle search (Tarjan) */
    uint32_t order, low;
    bool on_stack, visited;
};

struct held_lock {
    size_t lock;
    uint32_t depth;
    bool shared;
    uint64_t site;
    uint32_t stack;
};

struct thread_state {
    struct held_lock *held;
    size_t held_count, held_capacity;
};

/* One ordered pair, as first seen, and what every occurrence had in common. */
struct edge {
    size_t from, to;
    unsigned modes;          /* MODE_BIT of every occurrence */
    uint32_t thread;         /* the first thread that took it */
    uint32_t other_thread;   /* another thread that took it too, SNAG_NO_INDEX if none */
    uint64_t held_at, taken_at; /* where `from` was held, where `to` was taken (first time) */
    uint32_t held_stack, taken_stack;
    uint64_t time_ns;
    size_t gates[MAX_GATES]; /* locks held at every occurrence besides `from` */
    uint32_t gate_count;
};

struct lockorder {
    struct lock_identities identities;
    struct lock_state *locks;
    size_t lock_capacity;
    struct thread_state *threads;
    size_t thread_count;
    struct edge *edges;
    size_t edge_count, edge_capacity;
    size_t *edge_table; /* open addressing: edge index + 1 */
    size_t edge_table_size;
};

static size_t edge_hash(size_t from, size_t to)
{
    uint64_t key = (uint64_t)from * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)to;
    key ^= key >> 29;
    key *= UINT64_C(0xbf58476d1ce4e5b9);
    return (size_t)(key ^ (key >> 32));
}

static int edge_table_grow(struct lockorder *order)
{
    size_t size = order->edge_table_size ? order->edge_table_size * 2 : 256;
    size_t *table = calloc(size, sizeof *table);
    if (!table) return -1;
    for (size_t index = 0; index < order->edge_count; index++) {
        size_t slot = edge_hash(order->edges[index].from, order->edges[index].to) & (size - 1);
        while (table[slot]) slot = (slot + 1) & (size - 1);
        table[slot] = index + 1;
    }
    free(order->edge_table);
    order->edge_table = table;
    order->edge_table_size = size;
    return 0;
}

static int append_out_edge(struct lock_state *lock, uint32_t edge)
{
    if (lock->out_count == lock->out_capacity) {
        size_t capacity = lock->out_capacity ? lock->out_capacity * 2 : 4;
        uint32_t *bigger = realloc(lock->out_edges, capacity * sizeof *bigger);
        if (!bigger) return -1;
        lock->out_edges = bigger;
        lock->out_capacity = capacity;
    }
    lock->out_edges[lock->out_count++] = edge;
    return 0;
}

/* The edge from -> to, made on first sight (*created set); NULL when out of memory. */
static struct edge *edge_for(struct lockorder *order, size_t from, size_t to, bool *created)
{
    *created = false;
    if ((order->edge_count + 1) * 2 > order->edge_table_size && edge_table_grow(order)) return NULL;
    size_t mask = order->edge_table_size - 1, slot = edge_hash(from, to) & mask;
    while (order->edge_table[slot]) {
        struct edge *edge = &order->edges[order->edge_table[slot] - 1];
        if (edge->from == from && edge->to == to) return edge;
        slot = (slot + 1) & mask;
    }
    if (order->edge_count == order->edge_capacity) {
        size_t capacity = order->edge_capacity ? order->edge_capacity * 2 : 64;
        struct edge *bigger = realloc(order->edges, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        order->edges = bigger;
        order->edge_capacity = capacity;
    }
    if (order->edge_count >= UINT32_MAX || append_out_edge(&order->locks[from], (uint32_t)order->edge_count))
        return NULL;
    struct edge *edge = &order->edges[order->edge_count];
    memset(edge, 0, sizeof *edge);
    edge->from = from;
    edge->to = to;
    edge->other_thread = SNAG_NO_INDEX;
    order->edge_table[slot] = ++order->edge_count;
    *created = true;
    return edge;
}

/* Keeps only the gates also held now (all of the thread's locks but `from` and `to`). */
static void intersect_gates(struct edge *edge, const struct thread_state *thread, size_t to)
{
    uint32_t kept = 0;
    for (uint32_t gate = 0; gate < edge->gate_count; gate++) {
        bool held = false;
        for (size_t index = 0; index < thread->held_count && !held; index++)
            held = thread->held[index].lock == edge->gates[gate] && !thread->held[index].shared;
        if (held && edge->gates[gate] != to) edge->gates[kept++] = edge->gates[gate];
    }
    edge->gate_count = kept;
}

static int add_edges(struct lockorder *order, const struct snag_event *event, size_t to, bool shared)
{
    const struct thread_state *thread = &order->threads[event->thread];
    for (size_t index = 0; index < thread->held_count; index++) {
        const struct held_lock *held = &thread->held[index];
        if (held->lock == to) continue;
        bool created;
        struct edge *edge = edge_for(order, held->lock, to, &created);
        if (!edge) return -1;
        if (created) {
            edge->thread = event->thread;
            edge->held_at = held->site;
            edge->held_stack = held->stack;
            edge->taken_at = event->site;
            edge->taken_stack = event->stack;
            edge->time_ns = event->time_ns;
            /* a gate excludes: a lock held for reading lets the other readers in */
            for (size_t other = 0; other < thread->held_count && edge->gate_count < MAX_GATES; other++)
                if (other != index && !thread->held[other].shared)
                    edge->gates[edge->gate_count++] = thread->held[other].lock;
        } else {
            if (edge->thread != event->thread && edge->other_thread == SNAG_NO_INDEX)
                edge->other_thread = event->thread;
            if (edge->gate_count) intersect_gates(edge, thread, to);
        }
        edge->modes |= MODE_BIT(held->shared, shared);
    }
    return 0;
}

static struct held_lock *held_entry(struct thread_state *thread, size_t lock)
{
    for (size_t index = 0; index < thread->held_count; index++)
        if (thread->held[index].lock == lock) return &thread->held[index];
    return NULL;
}

static void drop_held(struct thread_state *thread, struct held_lock *entry)
{
    *entry = thread->held[--thread->held_count];
}

static int acquire(struct lockorder *order, const struct snag_event *event, size_t id)
{
    struct thread_state *thread = &order->threads[event->thread];
    struct held_lock *entry = held_entry(thread, id);
    if (entry) { /* recursive, a second read lock, or a semaphore taken twice: no new order */
        entry->depth++;
        return 0;
    }
    bool shared = event->op == SNAG_OP_ACQUIRE_SHARED;
    bool by_try = event->aux == SNAG_EVENT_BY_TRY && event->object_class != SNAG_CLASS_SEM;
    if (!by_try && thread->held_count && add_edges(order, event, id, shared)) return -1;
    if (thread->held_count == thread->held_capacity) {
        size_t capacity = thread->held_capacity ? thread->held_capacity * 2 : 8;
        struct held_lock *bigger = realloc(thread->held, capacity * sizeof *bigger);
        if (!bigger) return -1;
        thread->held = bigger;
        thread->held_capacity = capacity;
    }
    thread->held[thread->held_count++] = (struct held_lock){id, 1, shared, event->site, event->stack};
    if (!shared) order->locks[id].owner = event->thread;
    return 0;
}

/* A release lets go of the releaser's hold, or else the exclusive owner's:
 * a semaphore posted by another thread, a mutex unlocked by a non-owner. */
static void release(struct lockorder *order, const struct snag_event *event, size_t id)
{
    struct lock_state *lock = &order->locks[id];
    struct thread_state *thread = &order->threads[event->thread];
    struct held_lock *entry = held_entry(thread, id);
    if (!entry && lock->owner != SNAG_NO_INDEX && lock->owner < order->thread_count) {
        thread = &order->threads[lock->owner];
        entry = held_entry(thread, id);
    }
    if (!entry || --entry->depth > 0) return;
    if (!entry->shared) lock->owner = SNAG_NO_INDEX;
    drop_held(thread, entry);
}

/* A destroyed or re-initialised lock is held by nobody any more. */
static void forget(struct lockorder *order, size_t id)
{
    for (size_t index = 0; index < order->thread_count; index++) {
        struct held_lock *entry = held_entry(&order->threads[index], id);
        if (entry) drop_held(&order->threads[index], entry);
    }
    order->locks[id].owner = SNAG_NO_INDEX;
}

static bool is_lock_class(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK ||
           object_class == SNAG_CLASS_SPIN || object_class == SNAG_CLASS_SEM;
}

static int walk_event(struct lockorder *order, const struct snag_event *event)
{
    if (!is_lock_class(event->object_class)) return 0;
    size_t previous_count = order->identities.count;
    size_t id = lock_identity_of(&order->identities, event);
    if (id == LOCK_IDENTITY_NONE) return -1;
    void *locks = order->locks;
    if (lock_identities_fit(&order->identities, &locks, &order->lock_capacity, sizeof *order->locks)) return -1;
    order->locks = locks;
    struct lock_state *lock = &order->locks[id];
    if (order->identities.count > previous_count) {
        lock->is_lock = event->object_class != SNAG_CLASS_SEM;
        lock->owner = SNAG_NO_INDEX;
    }
    switch (event->op) {
    case SNAG_OP_ATTRIBUTE:
        if (event->object_class == SNAG_CLASS_SEM) lock->is_lock = event->aux == 1;
        return 0;
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED: return lock->is_lock ? acquire(order, event, id) : 0;
    case SNAG_OP_RELEASE:
        if (lock->is_lock) release(order, event, id);
        return 0;
    case SNAG_OP_DESTROY: forget(order, id); return 0;
    default: return 0;
    }
}

/* ---- cycles ---- */

struct cycle_search {
    struct lockorder *order;
    uint32_t next_order;
    size_t *stack; /* Tarjan's stack of locks */
    size_t stack_count;
    uint32_t *component; /* lock -> strongly connected part (+1), 0 = alone */
    uint32_t component_count;
    /* breadth-first search inside a part */
    size_t *queue;
    uint32_t *came_by; /* lock -> edge it was reached by, UINT32_MAX = not yet */
    /* cycles already reported, as sorted edge lists */
    uint32_t (*reported)[MAX_CYCLE];
    size_t reported_count;
};

/* Tarjan's strongly connected components, with an explicit stack of
 * (lock, next out-edge) frames so deep graphs do not overflow ours. */
static int strong_components(struct cycle_search *search)
{
    struct lockorder *order = search->order;
    size_t count = order->identities.count;
    struct frame {
        size_t lock, next;
    } *frames = malloc((count ? count : 1) * sizeof *frames);
    if (!frames) return -1;
    for (size_t root = 0; root < count; root++) {
        if (order->locks[root].visited || order->locks[root].out_count == 0) continue;
        size_t depth = 0;
        frames[depth++] = (struct frame){root, 0};
        order->locks[root].visited = true;
        order->locks[root].order = order->locks[root].low = search->next_order++;
        order->locks[root].on_stack = true;
        search->stack[search->stack_count++] = root;
        while (depth) {
            struct frame *frame = &frames[depth - 1];
            struct lock_state *lock = &order->locks[frame->lock];
            if (frame->next < lock->out_count) {
                size_t to = order->edges[lock->out_edges[frame->next++]].to;
                struct lock_state *next = &order->locks[to];
                if (!next->visited) {
                    next->visited = true;
                    next->order = next->low = search->next_order++;
                    next->on_stack = true;
                    search->stack[search->stack_count++] = to;
                    frames[depth++] = (struct frame){to, 0};
                } else if (next->on_stack && next->order < lock->low) {
                    lock->low = next->order;
                }
                continue;
            }
            if (lock->low == lock->order) { /* the root of a part: pop it */
                uint32_t part = ++search->component_count;
                size_t member;
                do {
                    member = search->stack[--search->stack_count];
                    order->locks[member].on_stack = false;
                    search->component[member] = part;
                } while (member != frame->lock);
            }
            size_t done = frame->lock;
            depth--;
            if (depth && order->locks[done].low < order->locks[frames[depth - 1].lock].low)
                order->locks[frames[depth - 1].lock].low = order->locks[done].low;
        }
    }
    free(frames);
    return 0;
}

/* Could the cycle's threads each wait at their step? At step i the thread
 * holds locks[i] and wants locks[i+1]; the next step's thread holds that one.
 * It waits unless both are read locks: try each way of holding lock 0. */
static bool modes_can_block(const struct lockorder *order, const uint32_t *edges, size_t length)
{
    for (unsigned first_shared = 0; first_shared < 2; first_shared++) {
        unsigned held_shared_options = 1u << first_shared; /* bit s: lock i can be held with shared = s */
        for (size_t step = 0; step < length && held_shared_options; step++) {
            unsigned modes = order->edges[edges[step]].modes, next_options = 0;
            for (unsigned held = 0; held < 2; held++) {
                if (!(held_shared_options & (1u << held))) continue;
                for (unsigned wanted = 0; wanted < 2; wanted++) {
                    if (!(modes & MODE_BIT(held, wanted))) continue;
                    /* the next thread holds the wanted lock in a way that blocks `wanted` */
                    next_options |= wanted ? 1u : 3u; /* a read waits only for a write hold */
                }
            }
            held_shared_options = next_options;
        }
        if (held_shared_options & (1u << first_shared)) return true;
    }
    return false;
}

static bool gated(const struct lockorder *order, const uint32_t *edges, size_t length)
{
    const struct edge *first = &order->edges[edges[0]];
    for (uint32_t gate = 0; gate < first->gate_count; gate++) {
        bool everywhere = true;
        for (size_t step = 1; step < length && everywhere; step++) {
            const struct edge *edge = &order->edges[edges[step]];
            bool found = false;
            for (uint32_t other = 0; other < edge->gate_count && !found; other++)
                found = edge->gates[other] == first->gates[gate];
            everywhere = found;
        }
        if (everywhere) return true;
    }
    return false;
}

/* One thread per step, not all the same one, if the edges allow it. */
static bool pick_threads(const struct lockorder *order, const uint32_t *edges, size_t length, uint32_t *threads)
{
    bool all_same = true;
    for (size_t step = 0; step < length; step++) {
        threads[step] = order->edges[edges[step]].thread;
        all_same = all_same && threads[step] == threads[0];
    }
    if (!all_same) return true;
    for (size_t step = 0; step < length; step++) {
        uint32_t other = order->edges[edges[step]].other_thread;
        if (other != SNAG_NO_INDEX) {
            threads[step] = other;
            return true;
        }
    }
    return false;
}

static int compare_edge_indexes(const void *left, const void *right)
{
    uint32_t a = *(const uint32_t *)left, b = *(const uint32_t *)right;
    return a < b ? -1 : a > b;
}

static bool already_reported(struct cycle_search *search, const uint32_t *edges, size_t length)
{
    uint32_t sorted[MAX_CYCLE] = {0};
    memcpy(sorted, edges, length * sizeof *edges);
    qsort(sorted, length, sizeof *sorted, compare_edge_indexes);
    for (size_t index = 0; index < search->reported_count; index++)
        if (memcmp(search->reported[index], sorted, sizeof sorted) == 0) return true;
    uint32_t(*bigger)[MAX_CYCLE] = realloc(search->reported, (search->reported_count + 1) * sizeof *bigger);
    if (!bigger) return true; /* out of memory: report nothing more rather than twice */
    search->reported = bigger;
    memcpy(search->reported[search->reported_count++], sorted, sizeof sorted);
    return false;
}

static const char *const step_roles[MAX_CYCLE] = {"first", "second", "third", "fourth",
                                                  "fifth", "sixth", "seventh", "eighth"};

static int report_cycle(struct snag_findings *findings, struct lockorder *order, const uint32_t *edges,
                        size_t length, const uint32_t *threads)
{
    uint64_t closed_ns = 0;
    for (size_t step = 0; step < length; step++)
        if (order->edges[edges[step]].time_ns > closed_ns) closed_ns = order->edges[edges[step]].time_ns;
    const struct snag_finding_lock *first_lock = &order->identities.locks[order->edges[edges[0]].from];
    struct snag_finding *finding =
        findings_add(findings, "lock_order_inversion", length == 2 ? "opposite_order" : "cycle",
                     SNAG_SEVERITY_LOW, first_lock->process, closed_ns);
    if (!finding) return -1;
    for (size_t step = 0; step < length; step++) {
        const struct edge *edge = &order->edges[edges[step]];
        uint32_t from = finding_add_lock(finding, &order->identities.locks[edge->from]);
        uint32_t to = finding_add_lock(finding, &order->identities.locks[edge->to]);
        struct snag_finding_thread *thread = finding_add_thread(finding, threads[step], step_roles[step]);
        if (from == SNAG_NO_INDEX || to == SNAG_NO_INDEX || !thread) return -1;
        thread->holds = from;
        thread->wants = to;
        /* the sites are the first time's: another thread's own sites are alike in a loop, and close */
        thread->held_at = edge->held_at;
        thread->held_stack = edge->held_stack;
        thread->waits_at = edge->taken_at;
        thread->waits_stack = edge->taken_stack;
        thread->since_ns = edge->time_ns;
    }
    return 0;
}

/* The shortest way back from edge `start`'s target to its source, inside
 * its part; with it, a cycle. Its length, or 0 if none fits MAX_CYCLE. */
static size_t shortest_cycle(struct cycle_search *search, uint32_t start, uint32_t *cycle)
{
    struct lockorder *order = search->order;
    const struct edge *closing = &order->edges[start];
    uint32_t part = search->component[closing->from];
    size_t head = 0, tail = 0;
    search->queue[tail++] = closing->to;
    search->came_by[closing->to] = start;
    bool found = closing->to == closing->from;
    while (head < tail && !found) {
        const struct lock_state *lock = &order->locks[search->queue[head++]];
        for (size_t index = 0; index < lock->out_count && !found; index++) {
            const struct edge *edge = &order->edges[lock->out_edges[index]];
            if (search->component[edge->to] != part || search->came_by[edge->to] != UINT32_MAX) continue;
            search->came_by[edge->to] = lock->out_edges[index];
            search->queue[tail++] = edge->to;
            found = edge->to == closing->from;
        }
    }
    size_t length = 0;
    if (found) { /* walk back from the source to the start edge */
        uint32_t reversed[MAX_CYCLE];
        size_t at = closing->from;
        do {
            uint32_t edge = search->came_by[at];
            if (length == MAX_CYCLE) {
                length = 0;
                break;
            }
            reversed[length++] = edge;
            at = order->edges[edge].from;
        } while (reversed[length - 1] != start);
        for (size_t step = 0; step < length; step++) cycle[step] = reversed[length - 1 - step];
    }
    for (size_t index = 0; index < tail; index++) search->came_by[search->queue[index]] = UINT32_MAX;
    return length;
}

static int find_cycles(struct snag_findings *findings, struct lockorder *order)
{
    size_t count = order->identities.count;
    struct cycle_search search = {.order = order};
    search.stack = malloc((count ? count : 1) * sizeof *search.stack);
    search.component = calloc(count ? count : 1, sizeof *search.component);
    search.queue = malloc((count ? count : 1) * sizeof *search.queue);
    search.came_by = malloc((count ? count : 1) * sizeof *search.came_by);
    int status = search.stack && search.component && search.queue && search.came_by ? 0 : -1;
    if (status == 0) {
        memset(search.came_by, 0xff, (count ? count : 1) * sizeof *search.came_by);
        status = strong_components(&search);
    }
    for (size_t index = 0; status == 0 && index < order->edge_count; index++) {
        const struct edge *edge = &order->edges[index];
        if (search.component[edge->from] != search.component[edge->to]) continue; /* on no cycle */
        uint32_t cycle[MAX_CYCLE], threads[MAX_CYCLE];
        size_t length = shortest_cycle(&search, (uint32_t)index, cycle);
        if (length < 2 || !modes_can_block(order, cycle, length) || gated(order, cycle, length) ||
            !pick_threads(order, cycle, length, threads) || already_reported(&search, cycle, length))
            continue;
        status = report_cycle(findings, order, cycle, length, threads);
    }
    free(search.stack);
    free(search.component);
    free(search.queue);
    free(search.came_by);
    free(search.reported);
    return status;
}

static void lockorder_free(struct lockorder *order)
{
    for (size_t index = 0; index < order->identities.count && index < order->lock_capacity; index++)
        free(order->locks[index].out_edges);
    for (size_t index = 0; index < order->thread_count; index++) free(order->threads[index].held);
    lock_identities_free(&order->identities);
    free(order->locks);
    free(order->threads);
    free(order->edges);
    free(order->edge_table);
}

int findings_lock_order(struct snag_findings *findings, const struct snag_trace *trace)
{
    struct lockorder order = {.thread_count = snag_trace_thread_count(trace)};
    order.threads = calloc(order.thread_count ? order.thread_count : 1, sizeof *order.threads);
    struct snag_event_cursor *cursor = snag_events_all(trace);
    int status = order.threads && cursor ? 0 : -1;
    struct snag_event event;
    while (status == 0 && snag_event_next(cursor, &event)) status = walk_event(&order, &event);
    snag_event_cursor_free(cursor);
    if (status == 0) status = find_cycles(findings, &order);
    lockorder_free(&order);
    return status;
}
