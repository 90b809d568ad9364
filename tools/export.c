/* snag export: a trace as Chrome Trace Event Format JSON (the "JSON Object
 * Format", {"traceEvents": [...]}), which Perfetto UI and chrome://tracing
 * open.
 *
 * Each process is a group of tracks, one per thread. Lock holds are slices
 * (ph "B" then "E"); lock waits, and condvar, semaphore, barrier and join
 * waits, are complete slices (ph "X"); a flow arrow (ph "s" then "f") goes
 * from the hold whose release handed a lock over to the hold of the waiter
 * that got it, and from a condition signal or broadcast, or a semaphore
 * post (each a zero-length slice, written when a wait it ended needs it),
 * to the wait it ended; a process's end is an instant event (ph "i").
 *
 * Streamed: the events are walked once in time order and written as they
 * come (a complete slice when it ends: importers sort by ts), so memory
 * does not grow with the number of events. What is kept is per thread (the
 * locks it holds, the call it is blocked in) and per lock (its label, its
 * latest releases). */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json.h"
#include "snag/findings.h"
#include "snag/findings_text.h"
#include "snag/lockstats.h"
#include "snag/names.h"
#include "snag/opencl.h"
#include "snag/text.h"

#define LABEL_SIZE 512
#define NAME_SIZE (LABEL_SIZE + 64)

/* A release of a lock (or a condition signal, a semaphore post): what a
 * later contended acquisition (or wake) by another thread is paired with. */
struct release {
    bool valid;
    bool has_slice;          /* it ended a hold slice (a post or a signal does not) */
    bool anchored;           /* a post or signal: its zero-length slice was written */
    uint8_t op;              /* SNAG_OP_RELEASE, SIGNAL or BROADCAST */
    uint32_t thread;
    uint64_t slice_start_ns; /* start of that slice, or of its last part */
    uint64_t ns;
    uint64_t site;
};

/* One lock-like object (an instance of it: re-initialising an address makes
 * a new one), found by process, class, address and instance. The table is
 * built from the lock statistics before the walk and never grows, so
 * pointers to entries stay valid. */
struct lock_entry {
    const struct snag_lock_stats *stats; /* NULL: a free slot */
    char *label;                         /* computed when first needed */
    char *id;
    uint32_t current_instance; /* kept in instance 0's entry: the instance events refer to now */
    bool seen;                 /* kept in instance 0's entry */
    struct release latest;       /* the latest release */
    struct release latest_other; /* the latest release by another thread than latest's */
};

enum hold_end {
    HOLD_RELEASED,
    HOLD_CUT,        /* a lock taken earlier was released first: the slice goes on as a new part */
    HOLD_UNRELEASED, /* still held when the thread ended */
};

/* A lock the thread holds, and the slice being drawn for it. */
struct held {
    struct lock_entry *lock;
    uint32_t depth;    /* recursive locks and nested read locks: only the outermost is a slice */
    uint64_t first_ns; /* when it was taken */
    uint64_t since_ns; /* start of the part being drawn */
    uint64_t site;
    uint8_t op;        /* SNAG_OP_ACQUIRE or SNAG_OP_ACQUIRE_SHARED */
    bool contended;
    bool relock;       /* taken back inside a condition wait */
    bool continued;    /* this part continues a slice that was cut */
    bool shares_start; /* so does a part nested in it, from the same instant */
    struct release woken_by; /* valid: the release that handed the lock over (arrow not drawn yet) */
};

/* The blocking call a thread is in. */
struct pending_wait {
    bool active;
    uint8_t object_class;
    uint8_t op;
    uint64_t object;
    struct lock_entry *lock; /* NULL for a join */
    uint64_t since_ns;
    uint64_t site;
};

struct thread_state {
    const struct snag_thread_info *info;
    int32_t pid;
    struct held *held; /* in the order taken: each one's slice nests in the ones before it */
    size_t held_count, held_capacity;
    struct pending_wait wait;
    bool after_cond_wake; /* the next mutex acquisition is a condition wait's re-lock */
    uint64_t last_ns;           /* its latest time so far: times never go back on a track */
    bool started;               /* its first event was seen */
    uint32_t previous_on_track; /* the thread before it with the same pid and tid, or SNAG_NO_INDEX */
};

struct exporter {
    const struct snag_trace *trace;
    const struct snag_lockstats *stats;
    struct snag_names *names;
    struct json json;
    struct lock_entry *locks;
    size_t lock_mask;
    struct thread_state *threads;
    uint64_t flow_count;
    bool out_of_memory;
};

/* ---- JSON pieces ---- */

/* Trace Event Format times are microseconds; three decimals keep every
 * nanosecond, exactly. */
static void json_key_microseconds(struct json *json, const char *key, uint64_t ns)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
    json_key(json, key);
    json_raw(json, text);
}

static void json_key_string(struct json *json, const char *key, const char *text)
{
    json_key(json, key);
    json_string(json, text);
}

static void json_key_int(struct json *json, const char *key, int64_t value)
{
    json_key(json, key);
    json_int(json, value);
}

static void json_key_bool(struct json *json, const char *key, int value)
{
    json_key(json, key);
    json_bool(json, value);
}

/* {"name", "cat", "ph", "pid", "tid", "ts": an event, left open for more keys. */
static void event_begin(struct exporter *x, const char *phase, const char *name, const char *category, int32_t pid,
                        int32_t tid, uint64_t ts_ns)
{
    json_begin_object(&x->json);
    json_key_string(&x->json, "name", name);
    json_key_string(&x->json, "cat", category);
    json_key_string(&x->json, "ph", phase);
    json_key_int(&x->json, "pid", pid);
    json_key_int(&x->json, "tid", tid);
    json_key_microseconds(&x->json, "ts", ts_ns);
}

/* A complete event [start, end] on the thread's track, its "args" left open. */
static void slice_begin_on(struct exporter *x, const char *name, const char *category, int32_t pid, int32_t tid,
                           uint64_t start_ns, uint64_t end_ns)
{
    event_begin(x, "X", name, category, pid, tid, start_ns);
    json_key_microseconds(&x->json, "dur", end_ns > start_ns ? end_ns - start_ns : 0);
    json_key(&x->json, "args");
    json_begin_object(&x->json);
}

static void slice_begin(struct exporter *x, const char *name, const char *category,
                        const struct thread_state *thread, uint64_t start_ns, uint64_t end_ns)
{
    slice_begin_on(x, name, category, thread->pid, thread->info->tid, start_ns, end_ns);
}

static void slice_end(struct exporter *x)
{
    json_end_object(&x->json); /* args */
    json_end_object(&x->json);
}

/* ---- locks: the table, labels, ids ---- */

static size_t hash_lock(uint32_t process, uint8_t object_class, uint64_t address, uint32_t instance)
{
    uint64_t key = address ^ ((uint64_t)process << 48) ^ ((uint64_t)object_class << 40) ^ ((uint64_t)instance << 20);
    key ^= key >> 33;
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return (size_t)key;
}

static struct lock_entry *find_lock(const struct exporter *x, uint32_t process, uint8_t object_class,
                                    uint64_t address, uint32_t instance)
{
    for (size_t slot = hash_lock(process, object_class, address, instance) & x->lock_mask;;
         slot = (slot + 1) & x->lock_mask) {
        struct lock_entry *entry = &x->locks[slot];
        if (!entry->stats) return NULL;
        const struct snag_lock_stats *lock = entry->stats;
        if (lock->process == process && lock->object_class == object_class && lock->address == address &&
            lock->instance == instance)
            return entry;
    }
}

/* Every lock and instance the statistics found, before the walk meets them. */
static int build_lock_table(struct exporter *x, const struct snag_lockstats *stats)
{
    size_t count = snag_lockstats_lock_count(stats), size = 16;
    while (size < 2 * count) size *= 2;
    x->locks = calloc(size, sizeof *x->locks);
    if (!x->locks) return -1;
    x->lock_mask = size - 1;
    for (size_t index = 0; index < count; index++) {
        const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
        size_t slot = hash_lock(lock->process, lock->object_class, lock->address, lock->instance) & x->lock_mask;
        while (x->locks[slot].stats) slot = (slot + 1) & x->lock_mask;
        x->locks[slot].stats = lock;
    }
    return 0;
}

/* The instance an event refers to, numbered as the statistics number them:
 * 0 at first sight, one more at each later INIT of the same address. */
static struct lock_entry *lock_for_event(struct exporter *x, const struct snag_event *event)
{
    struct lock_entry *first = find_lock(x, event->process, event->object_class, event->object, 0);
    if (!first) return NULL;
    if (event->op == SNAG_OP_INIT && first->seen) first->current_instance++;
    first->seen = true;
    if (first->current_instance == 0) return first;
    return find_lock(x, event->process, event->object_class, event->object, first->current_instance);
}

/* Keeps a copy of text in *cache: labels and ids are made once per lock. */
static const char *cache_text(struct exporter *x, char **cache, const char *text)
{
    *cache = strdup(text);
    if (!*cache) {
        x->out_of_memory = true;
        return "?";
    }
    return *cache;
}

static const char *lock_label(struct exporter *x, struct lock_entry *lock)
{
    char label[LABEL_SIZE];
    if (lock->label) return lock->label;
    return cache_text(x, &lock->label, snag_names_lock_label(x->names, lock->stats, label, sizeof label));
}

static const char *lock_id(struct exporter *x, struct lock_entry *lock)
{
    char id[64];
    if (lock->id) return lock->id;
    return cache_text(x, &lock->id, snag_names_lock_id(x->trace, lock->stats, id, sizeof id));
}

static bool draws_holds(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK || object_class == SNAG_CLASS_SPIN;
}

/* "lock_id", "type", "site" (and "mode" for rwlocks): what every lock slice says. */
static void write_lock_args(struct exporter *x, const struct thread_state *thread, struct lock_entry *lock,
                            uint64_t site, uint8_t op)
{
    char where[768];
    json_key_string(&x->json, "lock_id", lock_id(x, lock));
    json_key_string(&x->json, "type", snag_class_name(lock->stats->object_class));
    snag_names_site_text(x->names, thread->info->process, site, where, sizeof where);
    json_key_string(&x->json, "site", where);
    if (lock->stats->object_class == SNAG_CLASS_RWLOCK)
        json_key_string(&x->json, "mode",
                        op == SNAG_OP_ACQUIRE_SHARED || op == SNAG_OP_WAIT_SHARED ? "read" : "write");
}

/* ---- flows ---- */

/* The latest release of the lock by another thread than `thread`. */
static struct release releaser_for(const struct lock_entry *lock, uint32_t thread)
{
    if (lock->latest.valid && lock->latest.thread != thread) return lock->latest;
    return lock->latest_other; /* its thread differs from latest's, which is `thread` */
}

static void remember_release(struct lock_entry *lock, uint32_t thread, bool has_slice, uint64_t slice_start_ns,
                             const struct snag_event *event)
{
    if (lock->latest.valid && lock->latest.thread != thread) lock->latest_other = lock->latest;
    lock->latest = (struct release){.valid = true, .has_slice = has_slice, .op = event->op, .thread = thread,
                                    .slice_start_ns = slice_start_ns, .ns = event->time_ns, .site = event->site};
}

/* Perfetto binds a flow event to the slice on top of its track's stack when
 * the event's ts comes up (a complete slice stays there after its end until
 * the next slice starts), chrome://tracing to a slice containing ts: one
 * nanosecond into a hold, both find the hold, as nothing nested in it has
 * started yet. */
static uint64_t just_inside(uint64_t start_ns, uint64_t end_ns)
{
    return end_ns > start_ns ? start_ns + 1 : start_ns;
}

/* The arrow from the hold that released the lock to the hold [start, end]
 * of the thread that got it. */
static void write_flow(struct exporter *x, struct lock_entry *lock, const struct release *from,
                       const struct thread_state *to, uint64_t start_ns, uint64_t end_ns)
{
    /* A hold that took no time (a damaged trace's clock) was written with
     * its end already: an arrow from it would bind to whatever is under it. */
    if (from->slice_start_ns >= from->ns) return;
    char name[NAME_SIZE];
    snprintf(name, sizeof name, "handoff: %s", lock_label(x, lock));
    const char *category = snag_class_name(lock->stats->object_class);
    uint64_t id = ++x->flow_count;
    const struct thread_state *source = &x->threads[from->thread];
    event_begin(x, "s", name, category, source->pid, source->info->tid, just_inside(from->slice_start_ns, from->ns));
    json_key(&x->json, "id");
    json_uint(&x->json, id);
    json_end_object(&x->json);
    event_begin(x, "f", name, category, to->pid, to->info->tid, just_inside(start_ns, end_ns));
    json_key_string(&x->json, "bp", "e"); /* bind to the enclosing slice, not the next one */
    json_key(&x->json, "id");
    json_uint(&x->json, id);
    json_end_object(&x->json);
}

/* The arrow from a condition signal or broadcast, or a semaphore post, to
 * the wait [start, end] it ended. The signal or post becomes a zero-length
 * slice on its thread's track, once, for the arrows to start from. */
static void write_wake_flow(struct exporter *x, struct lock_entry *lock, const struct release *from,
                            const struct thread_state *to, uint64_t start_ns, uint64_t end_ns)
{
    char name[NAME_SIZE];
    const char *label = lock_label(x, lock), *category = snag_class_name(lock->stats->object_class);
    const struct thread_state *source = &x->threads[from->thread];
    struct release *stored = lock->latest.ns == from->ns && lock->latest.thread == from->thread ? &lock->latest
                                                                                                  : &lock->latest_other;
    if (!stored->anchored) {
        stored->anchored = true;
        const char *what = from->op == SNAG_OP_SIGNAL ? "signal" : from->op == SNAG_OP_BROADCAST ? "broadcast" : "post";
        snprintf(name, sizeof name, "%s: %s", what, label);
        slice_begin(x, name, category, source, from->ns, from->ns);
        write_lock_args(x, source, lock, from->site, from->op);
        slice_end(x);
    }
    snprintf(name, sizeof name, "wake: %s", label);
    uint64_t id = ++x->flow_count;
    event_begin(x, "s", name, category, source->pid, source->info->tid, from->ns);
    json_key(&x->json, "id");
    json_uint(&x->json, id);
    json_end_object(&x->json);
    /* just before the wait's end: the wait is still the slice on top there */
    event_begin(x, "f", name, category, to->pid, to->info->tid, end_ns > start_ns ? end_ns - 1 : start_ns);
    json_key_string(&x->json, "bp", "e");
    json_key(&x->json, "id");
    json_uint(&x->json, id);
    json_end_object(&x->json);
}

/* ---- waits ---- */

static bool ends_wait(const struct pending_wait *wait, const struct snag_event *event)
{
    return event->object_class == wait->object_class && event->object == wait->object &&
           (event->op == SNAG_OP_ACQUIRE || event->op == SNAG_OP_ACQUIRE_SHARED || event->op == SNAG_OP_WAKE ||
            event->op == SNAG_OP_FAILED);
}

static void begin_wait(struct thread_state *thread, const struct snag_event *event, struct lock_entry *lock)
{
    thread->wait = (struct pending_wait){true, event->object_class, event->op, event->object, lock,
                                         event->time_ns, event->site};
}

/* The thread a join waited for: the newest one of the process with that
 * pthread_t (values are reused) that started before the join returned; it
 * may have started after the join began. */
static const struct snag_thread_info *joined_thread(const struct exporter *x, const struct thread_state *thread,
                                                    uint64_t end_ns)
{
    const struct snag_process_info *process = snag_trace_process(x->trace, thread->info->process);
    const struct snag_thread_info *found = NULL;
    for (uint32_t local = 0; local < process->thread_count; local++) {
        const struct snag_thread_info *candidate = snag_trace_thread(x->trace, process->first_thread + local);
        if (candidate->pthread_self == thread->wait.object && candidate->start_ns <= end_ns &&
            (!found || candidate->start_ns >= found->start_ns))
            found = candidate;
    }
    return found;
}

static void failure_outcome(uint16_t aux, char *out, size_t size)
{
    if (aux == SNAG_AUX_CANCELLED) snprintf(out, size, "cancelled");
    else if (aux == ETIMEDOUT) snprintf(out, size, "timed out");
    else snprintf(out, size, "failed: %s", strerror(aux));
}

/* The wait slice, from the blocking call's start to `end_ns`. */
static void end_wait(struct exporter *x, struct thread_state *thread, uint64_t end_ns, const char *outcome,
                     const struct release *woken_by)
{
    struct pending_wait *wait = &thread->wait;
    wait->active = false;
    char name[NAME_SIZE];
    if (wait->lock) {
        snprintf(name, sizeof name, "wait: %s", lock_label(x, wait->lock));
        slice_begin(x, name, snag_class_name(wait->object_class), thread, wait->since_ns, end_ns);
        write_lock_args(x, thread, wait->lock, wait->site, wait->op);
    } else {
        const struct snag_thread_info *joined = joined_thread(x, thread, end_ns);
        if (joined) snprintf(name, sizeof name, "join: thread %d", joined->tid);
        else snprintf(name, sizeof name, "join: thread 0x%" PRIx64, wait->object);
        slice_begin(x, name, "join", thread, wait->since_ns, end_ns);
        char where[768];
        json_key_string(&x->json, "site",
                        snag_names_site_text(x->names, thread->info->process, wait->site, where, sizeof where));
        if (joined) {
            json_key_int(&x->json, "thread_tid", joined->tid);
            if (joined->name[0]) json_key_string(&x->json, "thread_name", joined->name);
        }
    }
    json_key_string(&x->json, "outcome", outcome);
    if (woken_by && woken_by->valid) json_key_int(&x->json, "woken_by_tid", x->threads[woken_by->thread].info->tid);
    slice_end(x);
}

/* ---- holds ---- */

/* Holds are begin/end pairs (ph "B", "E"), written as they happen: in time
 * order, so that two slices of a track that start at the same nanosecond
 * (the parts of locks cut together, below) come in the order they nest,
 * which importers keep for equal timestamps. */

static struct held *find_held(struct thread_state *thread, const struct lock_entry *lock, size_t *index)
{
    for (size_t at = 0; at < thread->held_count; at++)
        if (thread->held[at].lock == lock) {
            *index = at;
            return &thread->held[at];
        }
    return NULL;
}

/* The "B" of the hold's slice, or of the part of it that starts now. */
static void write_hold_begin(struct exporter *x, const struct thread_state *thread, struct held *held)
{
    char name[NAME_SIZE];
    snprintf(name, sizeof name, "hold: %s", lock_label(x, held->lock));
    event_begin(x, "B", name, snag_class_name(held->lock->stats->object_class), thread->pid, thread->info->tid,
                held->since_ns);
    json_key(&x->json, "args");
    json_begin_object(&x->json);
    write_lock_args(x, thread, held->lock, held->site, held->op);
    if (held->continued) {
        json_key_bool(&x->json, "continued", 1);
    } else {
        if (held->contended) json_key_bool(&x->json, "contended", 1);
        if (held->woken_by.valid)
            json_key_int(&x->json, "woken_by_tid", x->threads[held->woken_by.thread].info->tid);
        if (held->relock) json_key_string(&x->json, "relock", "taken back by a condition wait");
    }
    json_end_object(&x->json);
    json_end_object(&x->json);
}

/* The "E" of the hold's slice (or part); the first part of a handed-over
 * lock then gets the arrow from the releasing thread. */
static void write_hold_end(struct exporter *x, struct thread_state *thread, struct held *held, uint64_t end_ns,
                           enum hold_end how)
{
    /* the arrow first: when the hold took no time at all (a damaged
     * trace's clock), its end comes after it in the file as in time */
    if (held->woken_by.valid) {
        write_flow(x, held->lock, &held->woken_by, thread, held->since_ns, end_ns);
        held->woken_by.valid = false;
    }
    json_begin_object(&x->json); /* an "E" ends the slice on top of its track: no name needed */
    json_key_string(&x->json, "ph", "E");
    json_key_int(&x->json, "pid", thread->pid);
    json_key_int(&x->json, "tid", thread->info->tid);
    json_key_microseconds(&x->json, "ts", end_ns);
    if (how != HOLD_RELEASED) {
        json_key(&x->json, "args");
        json_begin_object(&x->json);
        json_key_bool(&x->json, how == HOLD_CUT ? "continues" : "released", how == HOLD_CUT);
        json_end_object(&x->json);
    }
    json_end_object(&x->json);
}

static void begin_hold(struct exporter *x, struct thread_state *thread, struct lock_entry *lock,
                       const struct snag_event *event, bool contended, bool relock, const struct release *woken_by)
{
    size_t index;
    struct held *held = find_held(thread, lock, &index);
    if (held) { /* a recursive lock taken again, or another read lock: the slice goes on */
        held->depth++;
        return;
    }
    if (thread->held_count == thread->held_capacity) {
        size_t capacity = thread->held_capacity ? thread->held_capacity * 2 : 8;
        struct held *bigger = realloc(thread->held, capacity * sizeof *bigger);
        if (!bigger) {
            x->out_of_memory = true;
            return;
        }
        thread->held = bigger;
        thread->held_capacity = capacity;
    }
    held = &thread->held[thread->held_count++];
    *held = (struct held){.lock = lock,
                          .depth = 1,
                          .first_ns = event->time_ns,
                          .since_ns = event->time_ns,
                          .site = event->site,
                          .op = event->op,
                          .contended = contended,
                          .relock = relock};
    if (contended && woken_by->has_slice) held->woken_by = *woken_by;
    write_hold_begin(x, thread, held);
}

static void release(struct exporter *x, struct thread_state *thread, struct lock_entry *lock,
                    const struct snag_event *event)
{
    uint8_t object_class = lock->stats->object_class;
    if (object_class == SNAG_CLASS_SEM) { /* a post: semaphores have waits, not holds */
        remember_release(lock, thread->info->index, false, event->time_ns, event);
        return;
    }
    if (!draws_holds(object_class)) return;
    size_t index;
    struct held *held = find_held(thread, lock, &index);
    if (!held) return;             /* released by a thread that did not take it */
    if (--held->depth > 0) return; /* an inner unlock: the lock stays taken */
    uint64_t now_ns = event->time_ns;
    /* Slices on a track must nest: locks taken after this one and still
     * held (hand-over-hand locking) end their slices here too, and go on
     * in new parts. */
    for (size_t above = thread->held_count; above-- > index + 1;)
        write_hold_end(x, thread, &thread->held[above], now_ns, HOLD_CUT);
    write_hold_end(x, thread, held, now_ns, HOLD_RELEASED);
    /* An arrow binds to the slice on top of the track just after its start
     * (see just_inside); when that is a part nested in this one from the
     * same instant, the arrow starts from this lock's first part instead. */
    remember_release(lock, thread->info->index, true, held->shares_start ? held->first_ns : held->since_ns, event);
    memmove(held, held + 1, (thread->held_count - index - 1) * sizeof *held);
    thread->held_count--;
    for (size_t above = index; above < thread->held_count; above++) {
        held = &thread->held[above];
        held->since_ns = now_ns;
        held->continued = true;
        held->shares_start = above + 1 < thread->held_count;
        write_hold_begin(x, thread, held);
    }
}

/* ---- the walk ---- */

static void finish_thread(struct exporter *x, struct thread_state *thread);

static void handle_event(struct exporter *x, const struct snag_event *recorded)
{
    struct thread_state *thread = &x->threads[recorded->thread];
    if (!thread->started) {
        thread->started = true;
        if (thread->previous_on_track != SNAG_NO_INDEX) finish_thread(x, &x->threads[thread->previous_on_track]);
    }
    /* A thread's records come in its order; their times could go back a
     * little (a clock read on another core), or a lot in a damaged file.
     * Its slices need them in order: a time never goes back on a track. */
    struct snag_event clamped = *recorded;
    if (clamped.time_ns < thread->last_ns) clamped.time_ns = thread->last_ns;
    thread->last_ns = clamped.time_ns;
    const struct snag_event *event = &clamped;
    /* A blocked thread records nothing else until its call returns; anything
     * else (a lost record, a signal handler) ends the wait, so that slices
     * still nest. */
    if (thread->wait.active && !ends_wait(&thread->wait, event))
        end_wait(x, thread, event->time_ns, "interrupted", NULL);

    if (event->object_class == SNAG_CLASS_THREAD) { /* joins: threads are not locks */
        if (event->op == SNAG_OP_WAIT) begin_wait(thread, event, NULL);
        else if (thread->wait.active && event->op == SNAG_OP_ACQUIRE)
            end_wait(x, thread, event->time_ns, "joined", NULL);
        else if (thread->wait.active && event->op == SNAG_OP_FAILED) {
            char outcome[128];
            failure_outcome(event->aux, outcome, sizeof outcome);
            end_wait(x, thread, event->time_ns, outcome, NULL);
        }
        return;
    }
    struct lock_entry *lock = lock_for_event(x, event);
    bool relock = event->object_class == SNAG_CLASS_MUTEX && thread->after_cond_wake;
    thread->after_cond_wake = false;
    if (!lock) return; /* not in the statistics: they ran out of memory */

    switch (event->op) {
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED: begin_wait(thread, event, lock); break;
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED: {
        bool contended = thread->wait.active;
        struct release woken_by = {0};
        if (contended) {
            uint64_t since_ns = thread->wait.since_ns;
            woken_by = releaser_for(lock, thread->info->index);
            end_wait(x, thread, event->time_ns, "acquired", &woken_by);
            /* A semaphore wait: from the latest post by another thread.
             * The wait is recorded after sem_trywait found no token, so
             * the post that let it through may come just before the
             * wait's start; any post after that failed try is by
             * another thread (this one was inside the call), hence the
             * latest one before the acquisition is such a post. */
            if (event->object_class == SNAG_CLASS_SEM && woken_by.valid)
                write_wake_flow(x, lock, &woken_by, thread, since_ns, event->time_ns);
        }
        if (draws_holds(event->object_class))
            begin_hold(x, thread, lock, event, contended && !relock, relock, &woken_by);
        break;
    }
    case SNAG_OP_WAKE:
        if (thread->wait.active) {
            /* a condition wait: from the latest signal or broadcast by another thread while it waited */
            uint64_t since_ns = thread->wait.since_ns;
            struct release woken_by = {0};
            if (event->object_class == SNAG_CLASS_COND) woken_by = releaser_for(lock, thread->info->index);
            bool signalled = woken_by.valid && woken_by.ns >= since_ns;
            end_wait(x, thread, event->time_ns, "woke", signalled ? &woken_by : NULL);
            if (signalled) write_wake_flow(x, lock, &woken_by, thread, since_ns, event->time_ns);
        }
        thread->after_cond_wake = event->object_class == SNAG_CLASS_COND;
        break;
    case SNAG_OP_SIGNAL:
    case SNAG_OP_BROADCAST: remember_release(lock, thread->info->index, false, event->time_ns, event); break;
    case SNAG_OP_FAILED:
        if (thread->wait.active) {
            char outcome[128];
            failure_outcome(event->aux, outcome, sizeof outcome);
            end_wait(x, thread, event->time_ns, outcome, NULL);
            thread->after_cond_wake = event->object_class == SNAG_CLASS_COND; /* the mutex is taken back */
        }
        break;
    case SNAG_OP_RELEASE: release(x, thread, lock, event); break;
    default: break;
    }
}

/* What is still open when a thread's records end: a call that never
 * returned, locks never released. Done when the next thread on its track
 * starts, or at the end. */
static void finish_thread(struct exporter *x, struct thread_state *thread)
{
    uint64_t end_ns = thread->info->end_ns > thread->last_ns ? thread->info->end_ns : thread->last_ns;
    if (thread->wait.active) end_wait(x, thread, end_ns, "still waiting when the thread ended", NULL);
    for (size_t index = thread->held_count; index-- > 0;)
        write_hold_end(x, thread, &thread->held[index], end_ns, HOLD_UNRELEASED);
    thread->held_count = 0;
}

/* ---- processes and threads ---- */

static const struct snag_thread_info *main_thread(const struct snag_trace *trace,
                                                  const struct snag_process_info *process)
{
    for (uint32_t local = 0; local < process->thread_count; local++) {
        const struct snag_thread_info *thread = snag_trace_thread(trace, process->first_thread + local);
        if (thread->is_main) return thread;
    }
    return process->thread_count ? snag_trace_thread(trace, process->first_thread) : NULL;
}

static void write_metadata(struct json *json, const char *name, int32_t pid, const int32_t *tid, const char *key,
                           const char *text, int64_t number)
{
    json_begin_object(json);
    json_key_string(json, "name", name);
    json_key_string(json, "ph", "M");
    json_key_int(json, "pid", pid);
    if (tid) json_key_int(json, "tid", *tid);
    json_key(json, "args");
    json_begin_object(json);
    json_key(json, key);
    if (text) json_string(json, text);
    else json_int(json, number);
    json_end_object(json);
    json_end_object(json);
}

/* ---- OpenCL ----
 * Each (process, device) that ran OpenCL commands is a pseudo-process with a
 * pid above any the kernel gives (PID_MAX_LIMIT is 4194304), and each of its
 * command queues a track: the device's commands are slices there, from
 * START to END. The host calls are slices on their threads' tracks (the
 * waits for the device named "wait: device"), with an arrow from each
 * enqueue to the command it enqueued. */

#define OPENCL_DEVICE_PID_BASE 4194304

/* The pid of the pseudo-process of `queue`'s device: numbered by the first
 * queue of that (process, device). */
static int32_t opencl_device_pid(const struct snag_opencl_log *log, uint32_t queue)
{
    const struct snag_opencl_queue *of = snag_opencl_queue(log, queue);
    uint32_t first = queue;
    for (uint32_t index = 0; index < queue; index++) {
        const struct snag_opencl_queue *other = snag_opencl_queue(log, index);
        if (other->process == of->process && other->device == of->device) {
            first = index;
            break;
        }
    }
    return OPENCL_DEVICE_PID_BASE + 1 + (int32_t)first;
}

static void write_opencl_tracks(struct exporter *x)
{
    const struct snag_opencl_log *log = snag_trace_opencl(x->trace);
    size_t process_count = snag_trace_process_count(x->trace);
    for (uint32_t queue = 0; queue < snag_opencl_queue_count(log); queue++) {
        const struct snag_opencl_queue *of = snag_opencl_queue(log, queue);
        int32_t pid = opencl_device_pid(log, queue), tid = (int32_t)queue + 1;
        if (pid == OPENCL_DEVICE_PID_BASE + 1 + (int32_t)queue) {
            char name[NAME_SIZE];
            snprintf(name, sizeof name, "OpenCL device %s (pid %d)", of->device_name,
                     snag_trace_process(x->trace, of->process)->pid);
            write_metadata(&x->json, "process_name", pid, NULL, "name", name, 0);
            write_metadata(&x->json, "process_sort_index", pid, NULL, "sort_index", NULL,
                           (int64_t)(process_count + queue));
        }
        char name[64];
        snprintf(name, sizeof name, "queue %u", queue + 1);
        write_metadata(&x->json, "thread_name", pid, &tid, "name", name, 0);
        write_metadata(&x->json, "thread_sort_index", pid, &tid, "sort_index", NULL, (int64_t)queue);
    }
}

static void write_opencl_call(struct exporter *x, const struct snag_opencl_log *log, const struct snag_opencl_call *call)
{
    if (call->thread >= snag_trace_thread_count(x->trace)) return;
    const struct thread_state *thread = &x->threads[call->thread];
    const char *function = snag_opencl_function_name(call->function);
    const struct snag_opencl_command *command =
        call->command != SNAG_NO_INDEX ? snag_opencl_command(log, call->command) : NULL;
    char name[NAME_SIZE], where[768];
    if (call->flags & SNAG_OPENCL_WAITS) snprintf(name, sizeof name, "wait: device (%s)", function);
    else snprintf(name, sizeof name, "cl: %s", function);
    slice_begin_on(x, name, "opencl", thread->pid, thread->info->tid, call->start_ns, call->end_ns);
    json_key_string(&x->json, "function", function);
    snag_names_site_text(x->names, call->process, call->site, where, sizeof where);
    json_key_string(&x->json, "site", where);
    if (call->result != 0) json_key_int(&x->json, "result", call->result);
    if (call->queue != SNAG_NO_INDEX) json_key_int(&x->json, "queue", (int64_t)call->queue + 1);
    if (call->bytes) {
        json_key(&x->json, "bytes");
        json_uint(&x->json, call->bytes);
    }
    if (call->flags & SNAG_OPENCL_BLOCKING) json_key_bool(&x->json, "blocking", 1);
    if (command && command->kernel) json_key_string(&x->json, "kernel", command->kernel);
    if (call->work_dim) {
        char sizes[128];
        snprintf(sizes, sizeof sizes, "%" PRIu64 " %" PRIu64 " %" PRIu64 " / %" PRIu64 " %" PRIu64 " %" PRIu64,
                 call->global_size[0], call->global_size[1], call->global_size[2], call->local_size[0],
                 call->local_size[1], call->local_size[2]);
        json_key_string(&x->json, "global / local size", sizes);
    }
    if (call->text[0]) json_key_string(&x->json, "build_log", call->text);
    slice_end(x);
    if (!command || !command->profiled || command->queue == SNAG_NO_INDEX) return;
    uint64_t id = ++x->flow_count;
    snag_opencl_command_name(log, command, name, sizeof name);
    event_begin(x, "s", name, "opencl", thread->pid, thread->info->tid, just_inside(call->start_ns, call->end_ns));
    json_key(&x->json, "id");
    json_uint(&x->json, id);
    json_end_object(&x->json);
    event_begin(x, "f", name, "opencl", opencl_device_pid(log, command->queue), (int32_t)command->queue + 1,
                just_inside(command->start_ns, command->end_ns));
    json_key_string(&x->json, "bp", "e");
    json_key(&x->json, "id");
    json_uint(&x->json, id);
    json_end_object(&x->json);
}

static void write_opencl_command(struct exporter *x, const struct snag_opencl_log *log,
                                 const struct snag_opencl_command *command)
{
    if (!command->profiled || command->queue == SNAG_NO_INDEX) return;
    const struct snag_opencl_call *call = command->call != SNAG_NO_INDEX ? snag_opencl_call(log, command->call) : NULL;
    char name[NAME_SIZE];
    slice_begin_on(x, snag_opencl_command_name(log, command, name, sizeof name), "opencl", opencl_device_pid(log, command->queue),
                (int32_t)command->queue + 1, command->start_ns, command->end_ns);
    json_key_microseconds(&x->json, "queued_us", command->queued_ns);
    json_key_microseconds(&x->json, "submit_us", command->submit_ns);
    json_key_microseconds(&x->json, "queued_to_start_us",
                          command->start_ns > command->queued_ns ? command->start_ns - command->queued_ns : 0);
    if (call) {
        json_key_string(&x->json, "function", snag_opencl_function_name(call->function));
        if (call->thread < snag_trace_thread_count(x->trace))
            json_key_int(&x->json, "enqueued_by_tid", x->threads[call->thread].info->tid);
        if (call->bytes) {
            json_key(&x->json, "bytes");
            json_uint(&x->json, call->bytes);
        }
    }
    if (command->status != 0) json_key_int(&x->json, "status", command->status);
    slice_end(x);
}

static void write_opencl(struct exporter *x)
{
    const struct snag_opencl_log *log = snag_trace_opencl(x->trace);
    for (size_t index = 0; index < snag_opencl_call_count(log); index++)
        write_opencl_call(x, log, snag_opencl_call(log, index));
    for (size_t index = 0; index < snag_opencl_command_count(log); index++)
        write_opencl_command(x, log, snag_opencl_command(log, index));
}

/* A track per thread, named, grouped by process and sorted as they started. */
static void write_tracks(struct exporter *x)
{
    for (size_t index = 0; index < snag_trace_process_count(x->trace); index++) {
        const struct snag_process_info *process = snag_trace_process(x->trace, index);
        const char *name = process->argc > 0 && process->argv[0] && process->argv[0][0] ? process->argv[0]
                           : process->exe && process->exe[0]                               ? process->exe
                                                                                           : "process";
        write_metadata(&x->json, "process_name", process->pid, NULL, "name", name, 0);
        write_metadata(&x->json, "process_sort_index", process->pid, NULL, "sort_index", NULL, (int64_t)index);
        for (uint32_t local = 0; local < process->thread_count; local++) {
            const struct snag_thread_info *thread = snag_trace_thread(x->trace, process->first_thread + local);
            char fallback[32] = "main";
            if (!thread->is_main) snprintf(fallback, sizeof fallback, "thread %u", thread->local_index);
            write_metadata(&x->json, "thread_name", process->pid, &thread->tid, "name",
                           thread->name[0] ? thread->name : fallback, 0);
            write_metadata(&x->json, "thread_sort_index", process->pid, &thread->tid, "sort_index", NULL,
                           (int64_t)thread->local_index);
        }
    }
    write_opencl_tracks(x);
}

/* An instant on a thread's track (scope "t") or on its process's ("p"),
 * its args left open: process ends and findings. */
static void instant_begin(struct exporter *x, const char *name, const char *category, int32_t pid, int32_t tid,
                          const char *scope, uint64_t ts_ns)
{
    event_begin(x, "i", name, category, pid, tid, ts_ns);
    json_key_string(&x->json, "s", scope);
    json_key(&x->json, "args");
    json_begin_object(&x->json);
}

static void write_process_end(struct exporter *x, const struct snag_process_info *process)
{
    const struct snag_thread_info *main = main_thread(x->trace, process);
    char name[128];
    switch (process->exit_kind) {
    case SNAG_EXIT_STATUS: snprintf(name, sizeof name, "exit %d", process->exit_value); break;
    case SNAG_EXIT_SIGNAL:
        snprintf(name, sizeof name, "killed by signal %d (%s)", process->exit_value, strsignal(process->exit_value));
        break;
    case SNAG_EXIT_EXEC: snprintf(name, sizeof name, "replaced by exec"); break;
    default: snprintf(name, sizeof name, "end unknown (killed, or still running)"); break;
    }
    instant_begin(x, name, "process", process->pid, main ? main->tid : process->pid, "p", process->end_ns);
    json_key(&x->json, "argv");
    json_begin_array(&x->json);
    for (uint32_t arg = 0; arg < process->argc; arg++) json_string(&x->json, process->argv[arg]);
    json_end_array(&x->json);
    json_key_string(&x->json, "exe", process->exe);
    json_key_int(&x->json, "ppid", process->ppid);
    if (process->exit_kind == SNAG_EXIT_STATUS) json_key_int(&x->json, "status", process->exit_value);
    if (process->exit_kind == SNAG_EXIT_SIGNAL) json_key_int(&x->json, "signal", process->exit_value);
    if (process->dropped_records) {
        json_key(&x->json, "dropped_records");
        json_uint(&x->json, process->dropped_records);
    }
    json_end_object(&x->json); /* args */
    json_end_object(&x->json);
}

/* Each finding, on the thread that acted (that forked, for a fork hazard),
 * when it first happened, with its message, threads and locks. */
static void write_findings(struct exporter *x, const struct snag_findings *findings)
{
    for (size_t index = 0; index < snag_findings_count(findings); index++) {
        const struct snag_finding *finding = snag_finding(findings, index);
        if (finding->thread_count == 0 || finding->threads[0].thread >= snag_trace_thread_count(x->trace)) continue;
        const struct thread_state *thread = &x->threads[finding->threads[0].thread];
        char name[128], message[4096];
        snprintf(name, sizeof name, "%s: %s", finding->kind, finding->subkind);
        instant_begin(x, name, "finding", thread->pid, thread->info->tid, "t", finding->time_ns);
        json_key_string(&x->json, "severity", snag_severity_name(finding->severity));
        json_key(&x->json, "occurrences");
        json_uint(&x->json, finding->occurrences);
        json_key_string(&x->json, "message",
                        snag_finding_message(x->trace, x->stats, x->names, finding, message, sizeof message));
        json_key(&x->json, "threads");
        json_begin_array(&x->json);
        for (size_t entry = 0; entry < finding->thread_count; entry++) {
            const struct snag_finding_thread *involved = &finding->threads[entry];
            if (involved->thread >= snag_trace_thread_count(x->trace)) continue;
            json_begin_object(&x->json);
            json_key_int(&x->json, "pid", x->threads[involved->thread].pid);
            json_key_int(&x->json, "tid", x->threads[involved->thread].info->tid);
            json_key_string(&x->json, "role", involved->role);
            json_end_object(&x->json);
        }
        json_end_array(&x->json);
        json_key(&x->json, "locks");
        json_begin_array(&x->json);
        for (size_t entry = 0; entry < finding->lock_count; entry++) {
            const struct snag_finding_lock *involved = &finding->locks[entry];
            struct lock_entry *lock =
                find_lock(x, involved->process, involved->object_class, involved->address, involved->instance);
            json_begin_object(&x->json);
            json_key_string(&x->json, "type", snag_class_name(involved->object_class));
            if (lock) {
                json_key_string(&x->json, "label", lock_label(x, lock));
                json_key_string(&x->json, "id", lock_id(x, lock));
            }
            json_end_object(&x->json);
        }
        json_end_array(&x->json);
        json_end_object(&x->json); /* args */
        json_end_object(&x->json);
    }
}

/* ---- the whole export ---- */

struct track_key {
    int32_t pid, tid;
    uint64_t start_ns;
    uint32_t thread;
};

static int compare_track_keys(const void *left, const void *right)
{
    const struct track_key *a = left, *b = right;
    if (a->pid != b->pid) return a->pid < b->pid ? -1 : 1;
    if (a->tid != b->tid) return a->tid < b->tid ? -1 : 1;
    if (a->start_ns != b->start_ns) return a->start_ns < b->start_ns ? -1 : 1;
    return a->thread < b->thread ? -1 : a->thread > b->thread;
}

/* Threads of several process images can share a track: an exec keeps the
 * pid and the main thread's tid, and pids are reused. Slices still open in
 * one end before the next one's begin, in the file's order too (which
 * chrome://tracing reads them in). */
static int link_shared_tracks(struct exporter *x, size_t thread_count)
{
    struct track_key *keys = calloc(thread_count ? thread_count : 1, sizeof *keys);
    if (!keys) return -1;
    for (size_t index = 0; index < thread_count; index++) {
        const struct thread_state *thread = &x->threads[index];
        keys[index] = (struct track_key){thread->pid, thread->info->tid, thread->info->start_ns, (uint32_t)index};
    }
    if (thread_count > 1) qsort(keys, thread_count, sizeof *keys, compare_track_keys);
    for (size_t index = 0; index < thread_count; index++) {
        bool shared = index > 0 && keys[index].pid == keys[index - 1].pid && keys[index].tid == keys[index - 1].tid;
        x->threads[keys[index].thread].previous_on_track = shared ? keys[index - 1].thread : SNAG_NO_INDEX;
    }
    free(keys);
    return 0;
}

static int export_chrome(struct exporter *x, const char *path, const struct snag_findings *findings)
{
    size_t thread_count = snag_trace_thread_count(x->trace);
    x->threads = calloc(thread_count ? thread_count : 1, sizeof *x->threads);
    if (!x->threads) return -1;
    for (size_t index = 0; index < thread_count; index++) {
        struct thread_state *thread = &x->threads[index];
        thread->info = snag_trace_thread(x->trace, index);
        thread->pid = snag_trace_process(x->trace, thread->info->process)->pid;
    }
    if (link_shared_tracks(x, thread_count)) return -1;
    struct snag_event_cursor *cursor = snag_events_all(x->trace);
    if (!cursor) return -1;

    json_begin_object(&x->json);
    json_key(&x->json, "traceEvents");
    json_begin_array(&x->json);
    write_tracks(x);
    struct snag_event event;
    while (snag_event_next(cursor, &event) && !x->out_of_memory) handle_event(x, &event);
    snag_event_cursor_free(cursor);
    for (size_t index = 0; index < thread_count; index++) finish_thread(x, &x->threads[index]);
    for (size_t index = 0; index < snag_trace_process_count(x->trace); index++)
        write_process_end(x, snag_trace_process(x->trace, index));
    write_findings(x, findings);
    write_opencl(x);
    json_end_array(&x->json);

    json_key(&x->json, "otherData"); /* free-form: importers keep it as metadata */
    json_begin_object(&x->json);
    json_key_string(&x->json, "exporter", "snag " SNAG_VERSION);
    json_key_string(&x->json, "trace", path);
    json_key(&x->json, "format_version");
    json_uint(&x->json, SNAG_FORMAT_VERSION);
    json_key(&x->json, "start_realtime_ns");
    json_uint(&x->json, snag_trace_start_realtime_ns(x->trace));
    json_key(&x->json, "warnings");
    json_begin_array(&x->json);
    for (size_t index = 0; index < snag_trace_warning_count(x->trace); index++)
        json_string(&x->json, snag_trace_warning(x->trace, index));
    json_end_array(&x->json);
    json_end_object(&x->json);
    json_end_object(&x->json);
    fputc('\n', x->json.out);
    return x->out_of_memory ? -1 : 0;
}

static void exporter_free(struct exporter *x)
{
    if (x->threads)
        for (size_t index = 0; index < snag_trace_thread_count(x->trace); index++) free(x->threads[index].held);
    free(x->threads);
    if (x->locks)
        for (size_t slot = 0; slot <= x->lock_mask; slot++) {
            free(x->locks[slot].label);
            free(x->locks[slot].id);
        }
    free(x->locks);
}

/* The export into `out` (closed after, unless standard output), with its
 * errors reported; an exit status. */
static int write_export(FILE *out, const char *output_name, const char *path, const struct snag_trace *trace,
                        const struct snag_lockstats *stats, struct snag_names *names,
                        const struct snag_findings *findings)
{
    static char buffer[1 << 20];
    setvbuf(out, buffer, _IOFBF, sizeof buffer);
    struct exporter x = {.trace = trace, .stats = stats, .names = names, .json = {.out = out}};
    bool out_of_memory = build_lock_table(&x, stats) || export_chrome(&x, path, findings);
    exporter_free(&x);
    int write_error = fflush(out) != 0 ? errno : 0;
    if (!write_error && ferror(out)) write_error = EIO;
    if (output_name && fclose(out) != 0 && !write_error) write_error = errno;

    char safe[4096];
    for (size_t index = 0; index < snag_trace_warning_count(trace); index++)
        fprintf(stderr, "snag: warning: %s\n",
                snag_text_sanitize(snag_trace_warning(trace, index), safe, sizeof safe));
    if (out_of_memory) {
        fprintf(stderr, "snag: %s: out of memory while exporting the trace\n",
                snag_text_sanitize(path, safe, sizeof safe));
        return SNAG_EXIT_FAILURE;
    }
    if (write_error) {
        fprintf(stderr, "snag: %s: write error: %s\n",
                output_name ? snag_text_sanitize(output_name, safe, sizeof safe) : "standard output",
                strerror(write_error));
        return SNAG_EXIT_FAILURE;
    }
    return 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: snag export --format=chrome [-o FILE] [TRACE]\n"
            "\n"
            "Writes a trace recorded by `snag run` as Chrome Trace Event Format JSON,\n"
            "for Perfetto UI (ui.perfetto.dev, Open trace file) and chrome://tracing:\n"
            "a track per thread, grouped by process; lock waits and holds, condition\n"
            "variable, semaphore, barrier and join waits as slices with their call site;\n"
            "an arrow from the thread that released a lock to the waiter that got it;\n"
            "process ends and findings as instant events; OpenCL host calls on their\n"
            "threads and device commands on a track per command queue, arrows between.\n"
            "TRACE defaults to ./snag.trace.\n"
            "\n"
            "  --format=chrome   the output format (the only one so far)\n"
            "  -o, --output FILE write to FILE instead of standard output\n");
}

int snag_export_main(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                             {"output", required_argument, NULL, 'o'},
                                             {"help", no_argument, NULL, 'h'},
                                             {0}};
    const char *format = NULL, *output = NULL;
    int option;
    while ((option = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
        switch (option) {
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return SNAG_EXIT_USAGE;
        }
    }
    if (!format || strcmp(format, "chrome") != 0 || argc - optind > 1) {
        if (!format) fprintf(stderr, "snag export: --format is required (chrome)\n");
        else if (strcmp(format, "chrome") != 0)
            fprintf(stderr, "snag export: unknown format '%s' (chrome is the only one)\n", format);
        usage(stderr);
        return SNAG_EXIT_USAGE;
    }
    const char *path = optind < argc ? argv[optind] : SNAG_DEFAULT_TRACE;
    const char *output_name = output && strcmp(output, "-") != 0 ? output : NULL; /* NULL: standard output */
    struct snag_trace *trace;
    struct snag_lockstats *stats;
    struct snag_names *names;
    int status = snag_report_open(path, &trace, &stats, &names);
    if (status) return status;
    char safe[4096];
    struct snag_findings *findings = snag_findings_compute(trace);
    FILE *out = NULL;
    if (!findings) {
        fprintf(stderr, "snag: %s: out of memory while analysing the trace\n",
                snag_text_sanitize(path, safe, sizeof safe));
        status = SNAG_EXIT_FAILURE;
    } else if (!(out = output_name ? fopen(output_name, "w") : stdout)) {
        fprintf(stderr, "snag: %s: cannot write: %s\n", snag_text_sanitize(output_name, safe, sizeof safe),
                strerror(errno));
        status = SNAG_EXIT_FAILURE;
    } else {
        status = write_export(out, output_name, path, trace, stats, names, findings);
    }
    snag_findings_free(findings);
    snag_names_free(names);
    snag_lockstats_free(stats);
    snag_trace_close(trace);
    return status;
}
