/* Findings computed offline from the events (see snag/findings.h). */
#include "snag/findings.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HOLDERS 4 /* per lock: rwlock readers beyond that are not tracked */

/* Who holds a lock right now, replayed from the events. */
struct holding {
    uint32_t process;
    uint8_t object_class;
    uint64_t address;
    uint32_t threads[MAX_HOLDERS];
    uint32_t depth[MAX_HOLDERS];
    uint64_t sites[MAX_HOLDERS];
    uint32_t stacks[MAX_HOLDERS]; /* of the acquisition (or the wait right before it), 0 if none */
    uint32_t count;
};

/* What each thread is blocked on at the end of the trace, if anything. */
struct pending_wait {
    bool active;
    uint8_t object_class;
    uint64_t object;
    uint64_t site;
    uint32_t stack;
};

struct snag_findings {
    struct snag_finding *items;
    size_t count, capacity;
    /* replay state */
    struct holding *holdings;
    size_t holding_count, holding_capacity;
    size_t *table; /* open addressing: holding index + 1 */
    size_t table_size;
    struct pending_wait *waits;
};

static bool is_lock_class(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK || object_class == SNAG_CLASS_SPIN;
}

static size_t hash(uint32_t process, uint8_t object_class, uint64_t address)
{
    uint64_t key = address ^ ((uint64_t)process << 40) ^ ((uint64_t)object_class << 36);
    key ^= key >> 31;
    key *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(key ^ (key >> 29));
}

static int rehash(struct snag_findings *findings)
{
    size_t size = findings->table_size ? findings->table_size * 2 : 256;
    size_t *table = calloc(size, sizeof *table);
    if (!table) return -1;
    for (size_t index = 0; index < findings->holding_count; index++) {
        const struct holding *holding = &findings->holdings[index];
        size_t slot = hash(holding->process, holding->object_class, holding->address) & (size - 1);
        while (table[slot]) slot = (slot + 1) & (size - 1);
        table[slot] = index + 1;
    }
    free(findings->table);
    findings->table = table;
    findings->table_size = size;
    return 0;
}

static struct holding *holding_for(struct snag_findings *findings, const struct snag_event *event)
{
    if ((findings->holding_count + 1) * 2 > findings->table_size && rehash(findings)) return NULL;
    size_t mask = findings->table_size - 1;
    size_t slot = hash(event->process, event->object_class, event->object) & mask;
    while (findings->table[slot]) {
        struct holding *holding = &findings->holdings[findings->table[slot] - 1];
        if (holding->process == event->process && holding->object_class == event->object_class &&
            holding->address == event->object)
            return holding;
        slot = (slot + 1) & mask;
    }
    if (findings->holding_count == findings->holding_capacity) {
        size_t capacity = findings->holding_capacity ? findings->holding_capacity * 2 : 256;
        struct holding *bigger = realloc(findings->holdings, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        findings->holdings = bigger;
        findings->holding_capacity = capacity;
    }
    struct holding *holding = &findings->holdings[findings->holding_count];
    memset(holding, 0, sizeof *holding);
    holding->process = event->process;
    holding->object_class = event->object_class;
    holding->address = event->object;
    findings->table[slot] = ++findings->holding_count;
    return holding;
}

static void replay(struct snag_findings *findings, const struct snag_event *event)
{
    struct pending_wait *wait = &findings->waits[event->thread];
    uint32_t acquired_stack = 0;
    switch (event->op) {
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED:
        *wait = (struct pending_wait){true, event->object_class, event->object, event->site, event->stack};
        return;
    case SNAG_OP_WAKE:
    case SNAG_OP_FAILED: wait->active = false; return;
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED:
        /* a contended acquisition's stack was taken at its wait */
        acquired_stack = event->stack ? event->stack
                         : wait->active && wait->object == event->object ? wait->stack
                                                                         : 0;
        wait->active = false;
        break;
    case SNAG_OP_RELEASE: break;
    default: return;
    }
    if (!is_lock_class(event->object_class)) return;
    struct holding *holding = holding_for(findings, event);
    if (!holding) return;
    uint32_t index = 0;
    while (index < holding->count && holding->threads[index] != event->thread) index++;
    if (event->op == SNAG_OP_RELEASE) {
        if (index == holding->count || --holding->depth[index] > 0) return;
        holding->count--;
        holding->threads[index] = holding->threads[holding->count];
        holding->depth[index] = holding->depth[holding->count];
        holding->sites[index] = holding->sites[holding->count];
        holding->stacks[index] = holding->stacks[holding->count];
        return;
    }
    if (index == holding->count) {
        if (holding->count == MAX_HOLDERS) return;
        holding->threads[index] = event->thread;
        holding->depth[index] = 0;
        holding->sites[index] = event->site;
        holding->stacks[index] = acquired_stack;
        holding->count++;
    }
    holding->depth[index]++;
}

static struct snag_finding *add_finding(struct snag_findings *findings)
{
    if (findings->count == findings->capacity) {
        size_t capacity = findings->capacity ? findings->capacity * 2 : 16;
        struct snag_finding *bigger = realloc(findings->items, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        findings->items = bigger;
        findings->capacity = capacity;
    }
    struct snag_finding *finding = &findings->items[findings->count++];
    memset(finding, 0, sizeof *finding);
    finding->child_process = SNAG_NO_INDEX;
    finding->blocked_thread = SNAG_NO_INDEX;
    return finding;
}

/* The forked child's process index: forked from `parent`, with that pid. */
static uint32_t child_of(const struct snag_trace *trace, const struct snag_process_event *fork_event)
{
    for (size_t index = 0; index < snag_trace_process_count(trace); index++) {
        const struct snag_process_info *process = snag_trace_process(trace, index);
        if (process->pid == fork_event->pid && process->forked && process->parent == fork_event->process)
            return (uint32_t)index;
    }
    return SNAG_NO_INDEX;
}

/* At a fork: every lock held by another thread of the forking process. */
static void check_fork(struct snag_findings *findings, const struct snag_trace *trace,
                       const struct snag_process_event *fork_event)
{
    for (size_t index = 0; index < findings->holding_count; index++) {
        const struct holding *holding = &findings->holdings[index];
        if (holding->process != fork_event->process) continue;
        for (uint32_t holder = 0; holder < holding->count; holder++) {
            if (holding->threads[holder] == fork_event->thread) continue; /* the forker's own: its child has it */
            struct snag_finding *finding = NULL;
            for (size_t existing = 0; existing < findings->count && !finding; existing++) {
                struct snag_finding *candidate = &findings->items[existing];
                if (candidate->process == holding->process && candidate->lock_address == holding->address &&
                    candidate->lock_class == holding->object_class)
                    finding = candidate;
            }
            if (!finding) {
                finding = add_finding(findings);
                if (!finding) return;
                finding->kind = "fork_hazard";
                finding->subkind = "lock_held_at_fork";
                finding->severity = SNAG_SEVERITY_LOW;
                finding->process = fork_event->process;
                finding->time_ns = fork_event->time_ns;
                finding->thread = fork_event->thread;
                finding->lock_class = holding->object_class;
                finding->lock_address = holding->address;
                finding->holder_thread = holding->threads[holder];
                finding->holder_site = holding->sites[holder];
                finding->holder_stack = holding->stacks[holder];
            }
            finding->occurrences++;
            if (finding->child_process == SNAG_NO_INDEX) finding->child_process = child_of(trace, fork_event);
            break; /* one holder is enough to name */
        }
    }
}

/* A child that blocked on the inherited lock and never got it: the hazard bit. */
static void check_children(struct snag_findings *findings, const struct snag_trace *trace)
{
    for (size_t index = 0; index < findings->count; index++) {
        struct snag_finding *finding = &findings->items[index];
        for (size_t child = 0; child < snag_trace_process_count(trace); child++) {
            const struct snag_process_info *process = snag_trace_process(trace, child);
            if (!process->forked || process->parent != finding->process) continue;
            for (uint32_t local = 0; local < process->thread_count; local++) {
                uint32_t thread = process->first_thread + local;
                const struct pending_wait *wait = &findings->waits[thread];
                if (!wait->active || wait->object != finding->lock_address || wait->object_class != finding->lock_class)
                    continue;
                finding->severity = SNAG_SEVERITY_HIGH;
                finding->child_process = (uint32_t)child;
                finding->blocked_thread = thread;
                finding->blocked_site = wait->site;
                finding->blocked_stack = wait->stack;
            }
        }
    }
}

static int compare_findings(const void *left, const void *right)
{
    const struct snag_finding *a = left, *b = right;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    return a->time_ns < b->time_ns ? -1 : a->time_ns > b->time_ns;
}

struct snag_findings *snag_findings_compute(const struct snag_trace *trace)
{
    struct snag_findings *findings = calloc(1, sizeof *findings);
    if (!findings) return NULL;
    size_t threads = snag_trace_thread_count(trace);
    findings->waits = calloc(threads ? threads : 1, sizeof *findings->waits);
    struct snag_event_cursor *cursor = snag_events_all(trace);
    if (!findings->waits || !cursor || rehash(findings)) {
        snag_event_cursor_free(cursor);
        snag_findings_free(findings);
        return NULL;
    }
    /* Events and forks in one time order: a fork sees the locks held just before it. */
    size_t forks = snag_trace_process_event_count(trace), next_fork = 0;
    struct snag_event event;
    int more = snag_event_next(cursor, &event);
    for (;;) {
        const struct snag_process_event *fork_event = NULL;
        while (next_fork < forks && !fork_event) {
            const struct snag_process_event *candidate = snag_trace_process_event(trace, next_fork);
            if (candidate->kind == SNAG_PROCESS_FORK) fork_event = candidate;
            else next_fork++;
        }
        if (fork_event && (!more || fork_event->time_ns <= event.time_ns)) {
            check_fork(findings, trace, fork_event);
            next_fork++;
            continue;
        }
        if (!more) break;
        replay(findings, &event);
        more = snag_event_next(cursor, &event);
    }
    snag_event_cursor_free(cursor);
    check_children(findings, trace);
    if (findings->count > 1) qsort(findings->items, findings->count, sizeof *findings->items, compare_findings);
    return findings;
}

void snag_findings_free(struct snag_findings *findings)
{
    if (!findings) return;
    free(findings->items);
    free(findings->holdings);
    free(findings->table);
    free(findings->waits);
    free(findings);
}

size_t snag_findings_count(const struct snag_findings *findings) { return findings->count; }

const struct snag_finding *snag_finding(const struct snag_findings *findings, size_t index)
{
    return index < findings->count ? &findings->items[index] : NULL;
}

const char *snag_severity_name(int severity)
{
    return severity == SNAG_SEVERITY_HIGH ? "high" : "low";
}
