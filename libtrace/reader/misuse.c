/* misuse findings (see snag/findings.h): calls POSIX leaves undefined, or
 * that leave a lock in a state no thread can fix, replayed from the events:
 *   unlock_not_held: a mutex or spinlock unlocked by a thread that does not
 *     hold it (glibc refuses it for error-checking and recursive mutexes: a
 *     FAILED record; a normal mutex just gets unlocked under its owner);
 *   rwlock_unlock_not_held: the same for a rwlock (a lone holder counts as
 *     unlocked by it, as glibc does; with several readers, nobody does);
 *   destroy_locked: a mutex, rwlock or spinlock destroyed while held;
 *   destroy_cond_with_waiters: a condvar destroyed while a thread waits on
 *     it, not woken by a signal or broadcast yet;
 *   cond_two_mutexes: a condvar waited on with one mutex while another
 *     thread waits on it with another (POSIX binds it to one at a time);
 *   exit_holding_lock / cancelled_holding_lock: a thread ended (returned,
 *     pthread_exit, cancelled) holding a mutex, rwlock or spinlock: nobody
 *     can unlock it any more. High when a thread then waited for it until
 *     the end of the trace;
 *   destroy_sem_with_waiters: a semaphore destroyed while a thread waits on
 *     it, not woken by a post yet.
 * Only what the trace proves: an unlock counts as misuse only for a lock the
 * trace saw taken before (a lock taken before a fork, in the parent, is the
 * child's to unlock), and a process that lost records is not checked. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "findings_build.h"
#include "lock_identity.h"

/* A thread holding a lock (mutex, rwlock, spinlock). */
struct holder {
    uint32_t thread;
    uint32_t depth;
    uint64_t site, since_ns;
    uint32_t stack;
};

/* A thread blocked on a condvar or semaphore. */
struct waiter {
    uint32_t thread;
    uint64_t site, since_ns;
    uint32_t stack;
    size_t mutex;  /* condvar: the mutex it waits with, LOCK_IDENTITY_NONE if unknown */
    bool released; /* a signal, broadcast or post that may be its wake-up came after it began */
};

struct object_state {
    bool acquired;       /* taken at least once in the trace */
    bool two_mutexes_reported;
    struct holder *holders;
    size_t holder_count, holder_capacity;
    struct waiter *waiters;
    size_t waiter_count, waiter_capacity;
};

struct thread_state {
    /* the thread's previous event, if it released a mutex: a condvar wait's mutex */
    size_t released_mutex;
    /* what its last release undid, put back if glibc refused the release */
    size_t undone_lock;
    struct holder undone;
    /* ended (EXIT), and how: the locks it still holds at the end were left held */
    bool exited;
    uint16_t exit_how;
    uint64_t exit_ns;
    /* blocked at the end of the trace on this lock, if any */
    size_t waits_on;
};

struct misuse {
    const struct snag_trace *trace;
    struct snag_findings *findings;
    size_t first_finding;
    struct lock_identities identities;
    struct object_state *objects;
    size_t object_capacity;
    struct thread_state *threads;
    size_t thread_count;
    bool *skip_process; /* lost records: what is held is not known */
};

static bool is_lock_class(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK || object_class == SNAG_CLASS_SPIN;
}

static void *grow(void *array, size_t *capacity, size_t count, size_t element_size)
{
    if (count < *capacity) return array;
    size_t bigger = *capacity ? *capacity * 2 : 4;
    void *grown = realloc(array, bigger * element_size);
    if (grown) *capacity = bigger;
    return grown;
}

static struct holder *holder_of(struct object_state *object, uint32_t thread)
{
    for (size_t index = 0; index < object->holder_count; index++)
        if (object->holders[index].thread == thread) return &object->holders[index];
    return NULL;
}

static struct waiter *waiter_of(struct object_state *object, uint32_t thread)
{
    for (size_t index = 0; index < object->waiter_count; index++)
        if (object->waiters[index].thread == thread) return &object->waiters[index];
    return NULL;
}

/* ---- findings ---- */

/* The misuse finding of that subkind, lock and site if there is one (then
 * counted once more), else a new one with its lock; NULL when out of memory
 * or when it is a repeat (*repeat set). */
static struct snag_finding *misuse_finding(struct misuse *misuse, const char *subkind, size_t lock, uint64_t site,
                                           uint32_t thread, uint64_t time_ns, bool *repeat)
{
    const struct snag_finding_lock *identity = &misuse->identities.locks[lock];
    *repeat = false;
    for (size_t index = misuse->first_finding;; index++) {
        struct snag_finding *finding = findings_at(misuse->findings, index);
        if (!finding) break;
        if (strcmp(finding->subkind, subkind) == 0 && finding_lock_same(&finding->locks[0], identity) &&
            finding->threads[0].acted_at == site && finding->threads[0].thread == thread) {
            finding->occurrences++;
            *repeat = true;
            return NULL;
        }
    }
    struct snag_finding *finding =
        findings_add(misuse->findings, "misuse", subkind, SNAG_SEVERITY_LOW, identity->process, time_ns);
    if (!finding || finding_add_lock(finding, identity) == SNAG_NO_INDEX) return NULL;
    return finding;
}

/* The acting thread: first, at its site. */
static struct snag_finding_thread *add_actor(struct snag_finding *finding, const struct snag_event *event,
                                             const char *role)
{
    struct snag_finding_thread *actor = finding_add_thread(finding, event->thread, role);
    if (!actor) return NULL;
    actor->acted_at = event->site;
    actor->acted_stack = event->stack;
    actor->since_ns = event->time_ns;
    return actor;
}

static int add_holders(struct snag_finding *finding, const struct object_state *object, uint32_t lock)
{
    for (size_t index = 0; index < object->holder_count; index++) {
        const struct holder *holder = &object->holders[index];
        struct snag_finding_thread *entry = finding_add_thread(finding, holder->thread, "holder");
        if (!entry) return -1;
        entry->holds = lock;
        entry->held_at = holder->site;
        entry->held_stack = holder->stack;
        entry->since_ns = holder->since_ns;
    }
    return 0;
}

/* Waiters still blocked (not released): each with what it waits on. */
static int add_waiters(struct snag_finding *finding, const struct object_state *object, uint32_t lock,
                       bool only_blocked)
{
    for (size_t index = 0; index < object->waiter_count; index++) {
        const struct waiter *waiter = &object->waiters[index];
        if (only_blocked && waiter->released) continue;
        struct snag_finding_thread *entry = finding_add_thread(finding, waiter->thread, "waiter");
        if (!entry) return -1;
        entry->wants = lock;
        entry->waits_at = waiter->site;
        entry->waits_stack = waiter->stack;
        entry->since_ns = waiter->since_ns;
    }
    return 0;
}

/* ---- replay ---- */

static int on_release(struct misuse *misuse, const struct snag_event *event, size_t id)
{
    struct object_state *object = &misuse->objects[id];
    struct thread_state *thread = &misuse->threads[event->thread];
    struct holder *holder = holder_of(object, event->thread);
    thread->undone_lock = LOCK_IDENTITY_NONE;
    if (holder) {
        thread->undone_lock = id;
        thread->undone = *holder;
        if (--holder->depth == 0) *holder = object->holders[--object->holder_count];
        return 0;
    }
    if (!object->acquired || misuse->skip_process[event->process]) return 0;
    bool rwlock = event->object_class == SNAG_CLASS_RWLOCK, repeat;
    struct snag_finding *finding = misuse_finding(misuse, rwlock ? "rwlock_unlock_not_held" : "unlock_not_held",
                                                  id, event->site, event->thread, event->time_ns, &repeat);
    if (repeat) return 0;
    if (!finding || !add_actor(finding, event, "unlocker") || add_holders(finding, object, 0)) return -1;
    if (object->holder_count == 1) { /* a normal mutex, a lone reader: unlocked under its owner all the same */
        thread->undone_lock = id;
        thread->undone = object->holders[0];
        object->holder_count = 0;
    }
    return 0;
}

/* glibc refused the release just recorded (EPERM): the holder still holds. */
static int on_release_refused(struct misuse *misuse, const struct snag_event *event, size_t id)
{
    struct thread_state *thread = &misuse->threads[event->thread];
    if (thread->undone_lock != id) return 0;
    thread->undone_lock = LOCK_IDENTITY_NONE;
    struct object_state *object = &misuse->objects[id];
    struct holder *holder = holder_of(object, thread->undone.thread);
    if (holder) {
        holder->depth++;
        return 0;
    }
    struct holder *holders = grow(object->holders, &object->holder_capacity, object->holder_count, sizeof *holders);
    if (!holders) return -1;
    object->holders = holders;
    object->holders[object->holder_count++] = thread->undone;
    return 0;
}

static int on_acquire(struct misuse *misuse, const struct snag_event *event, size_t id)
{
    struct object_state *object = &misuse->objects[id];
    object->acquired = true;
    struct holder *holder = holder_of(object, event->thread);
    if (holder) {
        holder->depth++;
        return 0;
    }
    struct holder *holders = grow(object->holders, &object->holder_capacity, object->holder_count, sizeof *holders);
    if (!holders) return -1;
    object->holders = holders;
    object->holders[object->holder_count++] =
        (struct holder){event->thread, 1, event->site, event->time_ns, event->stack};
    return 0;
}

static int on_destroy_lock(struct misuse *misuse, const struct snag_event *event, size_t id)
{
    struct object_state *object = &misuse->objects[id];
    if (object->holder_count == 0 || misuse->skip_process[event->process]) return 0;
    bool repeat;
    struct snag_finding *finding =
        misuse_finding(misuse, "destroy_locked", id, event->site, event->thread, event->time_ns, &repeat);
    if (repeat) return 0;
    if (!finding || !add_actor(finding, event, "destroyer") || add_holders(finding, object, 0)) return -1;
    return 0;
}

static int on_destroy_waited(struct misuse *misuse, const struct snag_event *event, size_t id)
{
    struct object_state *object = &misuse->objects[id];
    bool blocked = false;
    for (size_t index = 0; index < object->waiter_count; index++) blocked = blocked || !object->waiters[index].released;
    if (!blocked || misuse->skip_process[event->process]) return 0;
    bool repeat;
    const char *subkind =
        event->object_class == SNAG_CLASS_COND ? "destroy_cond_with_waiters" : "destroy_sem_with_waiters";
    struct snag_finding *finding =
        misuse_finding(misuse, subkind, id, event->site, event->thread, event->time_ns, &repeat);
    if (repeat) return 0;
    if (!finding || !add_actor(finding, event, "destroyer") || add_waiters(finding, object, 0, true)) return -1;
    return 0;
}

/* Another thread waits on the condvar with another mutex right now. */
static int check_cond_mutex(struct misuse *misuse, const struct snag_event *event, size_t id, size_t mutex)
{
    struct object_state *object = &misuse->objects[id];
    if (mutex == LOCK_IDENTITY_NONE || object->two_mutexes_reported) return 0;
    const struct waiter *other = NULL;
    for (size_t index = 0; index < object->waiter_count && !other; index++)
        if (object->waiters[index].mutex != LOCK_IDENTITY_NONE && object->waiters[index].mutex != mutex &&
            object->waiters[index].thread != event->thread)
            other = &object->waiters[index];
    if (!other) return 0;
    object->two_mutexes_reported = true;
    bool repeat;
    struct snag_finding *finding =
        misuse_finding(misuse, "cond_two_mutexes", id, event->site, event->thread, event->time_ns, &repeat);
    if (repeat) return 0;
    if (!finding) return -1;
    uint32_t first_mutex = finding_add_lock(finding, &misuse->identities.locks[other->mutex]);
    uint32_t second_mutex = finding_add_lock(finding, &misuse->identities.locks[mutex]);
    struct snag_finding_thread *second = add_actor(finding, event, "second");
    if (first_mutex == SNAG_NO_INDEX || second_mutex == SNAG_NO_INDEX || !second) return -1;
    second->holds = second_mutex;
    second->wants = 0;
    second->waits_at = event->site;
    struct snag_finding_thread *first = finding_add_thread(finding, other->thread, "first");
    if (!first) return -1;
    first->holds = first_mutex;
    first->wants = 0;
    first->waits_at = other->site;
    first->waits_stack = other->stack;
    first->since_ns = other->since_ns;
    return 0;
}

/* A wait on a condvar (with `mutex`, if known) or a semaphore begins. */
static int on_wait(struct misuse *misuse, const struct snag_event *event, size_t id, size_t mutex)
{
    struct object_state *object = &misuse->objects[id];
    if (event->object_class == SNAG_CLASS_COND && check_cond_mutex(misuse, event, id, mutex)) return -1;
    struct waiter *waiters = grow(object->waiters, &object->waiter_capacity, object->waiter_count, sizeof *waiters);
    if (!waiters) return -1;
    object->waiters = waiters;
    object->waiters[object->waiter_count++] =
        (struct waiter){event->thread, event->site, event->time_ns, event->stack, mutex, false};
    return 0;
}

static void end_wait(struct object_state *object, uint32_t thread)
{
    struct waiter *waiter = waiter_of(object, thread);
    if (waiter) *waiter = object->waiters[--object->waiter_count];
}

/* A signal or post releases the longest waiting thread not released yet; a broadcast, all. */
static void release_waiters(struct object_state *object, bool all)
{
    struct waiter *oldest = NULL;
    for (size_t index = 0; index < object->waiter_count; index++) {
        struct waiter *waiter = &object->waiters[index];
        if (waiter->released) continue;
        if (all) waiter->released = true;
        else if (!oldest || waiter->since_ns < oldest->since_ns) oldest = waiter;
    }
    if (oldest) oldest->released = true;
}

static int walk_event(struct misuse *misuse, const struct snag_event *event)
{
    struct thread_state *thread = &misuse->threads[event->thread];
    size_t released_mutex = thread->released_mutex;
    thread->released_mutex = LOCK_IDENTITY_NONE;
    if (event->object_class == SNAG_CLASS_THREAD) {
        if (event->op == SNAG_OP_EXIT && event->aux != SNAG_THREAD_EXIT_PROCESS && !thread->exited) {
            thread->exited = true;
            thread->exit_how = event->aux;
            thread->exit_ns = event->time_ns;
        }
        return 0;
    }
    bool lock = is_lock_class(event->object_class);
    if (!lock && event->object_class != SNAG_CLASS_COND && event->object_class != SNAG_CLASS_SEM) return 0;
    size_t id = lock_identity_of(&misuse->identities, event);
    if (id == LOCK_IDENTITY_NONE) return -1;
    void *objects = misuse->objects;
    if (lock_identities_fit(&misuse->identities, &objects, &misuse->object_capacity, sizeof *misuse->objects))
        return -1;
    misuse->objects = objects;
    struct object_state *object = &misuse->objects[id];
    if (event->op != SNAG_OP_FAILED) thread->undone_lock = LOCK_IDENTITY_NONE;
    switch (event->op) {
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED:
        if (lock) {
            if (thread->waits_on == id) thread->waits_on = LOCK_IDENTITY_NONE;
            return on_acquire(misuse, event, id);
        }
        if (event->object_class == SNAG_CLASS_SEM) end_wait(object, event->thread);
        return 0;
    case SNAG_OP_RELEASE:
        if (event->object_class == SNAG_CLASS_SEM) {
            release_waiters(object, false);
            return 0;
        }
        if (!lock) return 0;
        if (event->object_class == SNAG_CLASS_MUTEX) thread->released_mutex = id;
        return on_release(misuse, event, id);
    case SNAG_OP_FAILED:
        if (lock && event->aux != SNAG_AUX_CANCELLED) {
            if (thread->waits_on == id) thread->waits_on = LOCK_IDENTITY_NONE;
            return on_release_refused(misuse, event, id);
        }
        end_wait(object, event->thread);
        return 0;
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED:
        if (lock) {
            thread->waits_on = id;
            return 0;
        }
        /* the shim records a condvar wait right after its mutex's release (which may be a short
           record, without a site): the thread's event just before */
        return on_wait(misuse, event, id, released_mutex);
    case SNAG_OP_WAKE: end_wait(object, event->thread); return 0;
    case SNAG_OP_SIGNAL: release_waiters(object, false); return 0;
    case SNAG_OP_BROADCAST: release_waiters(object, true); return 0;
    case SNAG_OP_DESTROY: return lock ? on_destroy_lock(misuse, event, id) : on_destroy_waited(misuse, event, id);
    default: return 0;
    }
}

/* ---- threads that ended holding locks ---- */

static int check_exits(struct misuse *misuse)
{
    for (size_t id = 0; id < misuse->identities.count; id++) {
        const struct snag_finding_lock *identity = &misuse->identities.locks[id];
        struct object_state *object = &misuse->objects[id];
        if (!is_lock_class(identity->object_class) || misuse->skip_process[identity->process]) continue;
        for (size_t index = 0; index < object->holder_count; index++) {
            const struct holder *holder = &object->holders[index];
            const struct thread_state *thread = &misuse->threads[holder->thread];
            if (!thread->exited) continue;
            struct snag_finding *finding = findings_add(
                misuse->findings, "misuse",
                thread->exit_how == SNAG_THREAD_EXIT_CANCELLED ? "cancelled_holding_lock" : "exit_holding_lock",
                SNAG_SEVERITY_LOW, identity->process, thread->exit_ns);
            if (!finding || finding_add_lock(finding, identity) == SNAG_NO_INDEX) return -1;
            struct snag_finding_thread *exiter = finding_add_thread(finding, holder->thread, "exiter");
            if (!exiter) return -1;
            exiter->holds = 0;
            exiter->held_at = holder->site;
            exiter->held_stack = holder->stack;
            exiter->since_ns = holder->since_ns;
            for (size_t other = 0; other < misuse->thread_count; other++) {
                if (misuse->threads[other].waits_on != id) continue;
                const struct snag_thread_info *info = snag_trace_thread(misuse->trace, other);
                struct snag_finding_thread *waiter = finding_add_thread(finding, (uint32_t)other, "waiter");
                if (!waiter) return -1;
                waiter->wants = 0;
                waiter->since_ns = info ? info->end_ns : 0;
                finding->severity = SNAG_SEVERITY_HIGH;
            }
        }
    }
    return 0;
}

static void misuse_free(struct misuse *misuse)
{
    for (size_t id = 0; id < misuse->identities.count && id < misuse->object_capacity; id++) {
        free(misuse->objects[id].holders);
        free(misuse->objects[id].waiters);
    }
    lock_identities_free(&misuse->identities);
    free(misuse->objects);
    free(misuse->threads);
    free(misuse->skip_process);
}

int findings_misuse(struct snag_findings *findings, const struct snag_trace *trace)
{
    struct misuse misuse = {
        .trace = trace,
        .findings = findings,
        .first_finding = snag_findings_count(findings),
        .thread_count = snag_trace_thread_count(trace),
    };
    size_t processes = snag_trace_process_count(trace);
    misuse.threads = calloc(misuse.thread_count ? misuse.thread_count : 1, sizeof *misuse.threads);
    misuse.skip_process = calloc(processes ? processes : 1, sizeof *misuse.skip_process);
    struct snag_event_cursor *cursor = snag_events_all(trace);
    int status = misuse.threads && misuse.skip_process && cursor ? 0 : -1;
    for (size_t index = 0; status == 0 && index < processes; index++)
        misuse.skip_process[index] = snag_trace_process(trace, index)->dropped_records > 0;
    for (size_t index = 0; status == 0 && index < misuse.thread_count; index++) {
        misuse.threads[index].released_mutex = LOCK_IDENTITY_NONE;
        misuse.threads[index].undone_lock = LOCK_IDENTITY_NONE;
        misuse.threads[index].waits_on = LOCK_IDENTITY_NONE;
    }
    struct snag_event event;
    while (status == 0 && snag_event_next(cursor, &event)) status = walk_event(&misuse, &event);
    snag_event_cursor_free(cursor);
    if (status == 0) status = check_exits(&misuse);
    misuse_free(&misuse);
    return status;
}
