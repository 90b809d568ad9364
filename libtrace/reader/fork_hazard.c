/* fork_hazard findings (see snag/findings.h): replays who holds which lock,
 * and at each fork names the locks other threads of the forking process
 * held; a child that then blocked on such a lock for good makes it high. */
#include <stdbool.h>
#include <stdlib.h>

#include "findings_build.h"
#include "lock_identity.h"

#define MAX_HOLDERS 4 /* per lock: rwlock readers beyond that are not tracked */

/* Who holds a lock right now, replayed from the events; by lock identity. */
struct holding {
    uint32_t threads[MAX_HOLDERS];
    uint32_t depth[MAX_HOLDERS];
    uint64_t sites[MAX_HOLDERS];
    uint32_t stacks[MAX_HOLDERS];
    uint64_t since_ns[MAX_HOLDERS];
    uint32_t count;
};

/* What each thread is blocked on at the end of the trace, if anything. */
struct pending_wait {
    bool active;
    uint8_t object_class;
    uint64_t object;
    uint64_t site;
    uint32_t stack;
    uint64_t since_ns;
};

struct replay {
    struct lock_identities identities;
    struct holding *holdings; /* by identity */
    size_t holding_capacity;
    struct pending_wait *waits;
    size_t first_finding; /* this analysis's findings start here in the list */
};

static bool is_lock_class(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK || object_class == SNAG_CLASS_SPIN;
}

static struct holding *holding_for(struct replay *replay, const struct snag_event *event)
{
    size_t id = lock_identity_of(&replay->identities, event);
    if (id == LOCK_IDENTITY_NONE) return NULL;
    void *holdings = replay->holdings;
    if (lock_identities_fit(&replay->identities, &holdings, &replay->holding_capacity, sizeof *replay->holdings))
        return NULL;
    replay->holdings = holdings;
    return &replay->holdings[id];
}

/* Returns -1 when out of memory. */
static int replay_event(struct replay *replay, const struct snag_event *event)
{
    struct pending_wait *wait = &replay->waits[event->thread];
    switch (event->op) {
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED:
        *wait = (struct pending_wait){true, event->object_class, event->object, event->site, event->stack,
                                      event->time_ns};
        break;
    case SNAG_OP_WAKE:
    case SNAG_OP_FAILED:
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED: wait->active = false; break;
    default: break;
    }
    if (!is_lock_class(event->object_class)) return 0;
    struct holding *holding = holding_for(replay, event);
    if (!holding) return -1;
    if (event->op != SNAG_OP_ACQUIRE && event->op != SNAG_OP_ACQUIRE_SHARED && event->op != SNAG_OP_RELEASE)
        return 0;
    uint32_t index = 0;
    while (index < holding->count && holding->threads[index] != event->thread) index++;
    if (event->op == SNAG_OP_RELEASE) {
        if (index == holding->count || --holding->depth[index] > 0) return 0;
        uint32_t last = --holding->count;
        holding->threads[index] = holding->threads[last];
        holding->depth[index] = holding->depth[last];
        holding->sites[index] = holding->sites[last];
        holding->stacks[index] = holding->stacks[last];
        holding->since_ns[index] = holding->since_ns[last];
        return 0;
    }
    if (index == holding->count) {
        if (holding->count == MAX_HOLDERS) return 0;
        holding->threads[index] = event->thread;
        holding->depth[index] = 0;
        holding->sites[index] = event->site;
        holding->stacks[index] = event->stack;
        holding->since_ns[index] = event->time_ns;
        holding->count++;
    }
    holding->depth[index]++;
    return 0;
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

static struct snag_finding *existing_finding(struct snag_findings *findings, const struct replay *replay,
                                             const struct snag_finding_lock *lock)
{
    for (size_t index = replay->first_finding;; index++) {
        struct snag_finding *finding = findings_at(findings, index);
        if (!finding) return NULL;
        if (finding_lock_same(&finding->locks[0], lock)) return finding;
    }
}

/* The finding for a lock met at a fork: forker, then holder, the lock first. */
static struct snag_finding *new_finding(struct snag_findings *findings, const struct snag_finding_lock *lock,
                                        const struct holding *holding, uint32_t holder,
                                        const struct snag_process_event *fork_event)
{
    struct snag_finding *finding = findings_add(findings, "fork_hazard", "lock_held_at_fork", SNAG_SEVERITY_LOW,
                                                fork_event->process, fork_event->time_ns);
    if (!finding) return NULL;
    finding->occurrences = 0; /* counted by the caller, fork by fork */
    if (finding_add_lock(finding, lock) == SNAG_NO_INDEX) return NULL;
    struct snag_finding_thread *forker = finding_add_thread(finding, fork_event->thread, "forker");
    if (!forker) return NULL;
    forker->since_ns = fork_event->time_ns;
    struct snag_finding_thread *entry = finding_add_thread(finding, holding->threads[holder], "holder");
    if (!entry) return NULL;
    entry->holds = 0;
    entry->held_at = holding->sites[holder];
    entry->held_stack = holding->stacks[holder];
    entry->since_ns = holding->since_ns[holder];
    return finding;
}

/* At a fork: every lock held by another thread of the forking process. */
static int check_fork(struct snag_findings *findings, struct replay *replay, const struct snag_trace *trace,
                      const struct snag_process_event *fork_event)
{
    for (size_t id = 0; id < replay->identities.count; id++) {
        const struct snag_finding_lock *lock = &replay->identities.locks[id];
        const struct holding *holding = &replay->holdings[id];
        if (lock->process != fork_event->process || !is_lock_class(lock->object_class)) continue;
        for (uint32_t holder = 0; holder < holding->count; holder++) {
            if (holding->threads[holder] == fork_event->thread) continue; /* the forker's own: its child has it */
            struct snag_finding *finding = existing_finding(findings, replay, lock);
            if (!finding) finding = new_finding(findings, lock, holding, holder, fork_event);
            if (!finding) return -1;
            finding->occurrences++;
            if (finding->child_process == SNAG_NO_INDEX) finding->child_process = child_of(trace, fork_event);
            break; /* one holder is enough to name */
        }
    }
    return 0;
}

/* A child that blocked on the inherited lock and never got it: the hazard bit. */
static int check_children(struct snag_findings *findings, const struct replay *replay,
                          const struct snag_trace *trace)
{
    for (size_t index = replay->first_finding;; index++) {
        struct snag_finding *finding = findings_at(findings, index);
        if (!finding) return 0;
        const struct snag_finding_lock *lock = &finding->locks[0];
        for (size_t child = 0; child < snag_trace_process_count(trace); child++) {
            const struct snag_process_info *process = snag_trace_process(trace, child);
            if (!process->forked || process->parent != finding->process) continue;
            for (uint32_t local = 0; local < process->thread_count; local++) {
                uint32_t thread = process->first_thread + local;
                const struct pending_wait *wait = &replay->waits[thread];
                if (!wait->active || wait->object != lock->address || wait->object_class != lock->object_class)
                    continue;
                finding->severity = SNAG_SEVERITY_HIGH;
                finding->child_process = (uint32_t)child;
                struct snag_finding_thread *waiter = finding_add_thread(finding, thread, "waiter");
                if (!waiter) return -1;
                waiter->wants = 0;
                waiter->waits_at = wait->site;
                waiter->waits_stack = wait->stack;
                waiter->since_ns = wait->since_ns;
            }
        }
    }
}

static void replay_free(struct replay *replay)
{
    lock_identities_free(&replay->identities);
    free(replay->holdings);
    free(replay->waits);
}

int findings_fork_hazards(struct snag_findings *findings, const struct snag_trace *trace)
{
    struct replay replay = {.first_finding = snag_findings_count(findings)};
    size_t threads = snag_trace_thread_count(trace);
    replay.waits = calloc(threads ? threads : 1, sizeof *replay.waits);
    struct snag_event_cursor *cursor = snag_events_all(trace);
    int status = !replay.waits || !cursor ? -1 : 0;
    /* Events and forks in one time order: a fork sees the locks held just before it. */
    size_t forks = snag_trace_process_event_count(trace), next_fork = 0;
    struct snag_event event;
    int more = status == 0 && snag_event_next(cursor, &event);
    while (status == 0) {
        const struct snag_process_event *fork_event = NULL;
        while (next_fork < forks && !fork_event) {
            const struct snag_process_event *candidate = snag_trace_process_event(trace, next_fork);
            if (candidate->kind == SNAG_PROCESS_FORK) fork_event = candidate;
            else next_fork++;
        }
        if (fork_event && (!more || fork_event->time_ns <= event.time_ns)) {
            status = check_fork(findings, &replay, trace, fork_event);
            next_fork++;
            continue;
        }
        if (!more) break;
        status = replay_event(&replay, &event);
        more = snag_event_next(cursor, &event);
    }
    snag_event_cursor_free(cursor);
    if (status == 0) status = check_children(findings, &replay, trace);
    replay_free(&replay);
    return status;
}
