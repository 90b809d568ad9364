/* The per-lane index (see lane_index.h). */
#include "lane_index.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/opencl.h"

/* Only for the CL_COMMAND_* values: the viewer calls no OpenCL. */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

/* Events between two checkpoints: the most a query decodes to find a state. */
#define LANE_BLOCK 64
/* Locks a checkpoint names; a thread holding more has the rest counted only. */
#define HELD_AT_CHECKPOINT 64
/* Times are clamped below this (about 9 years), so that a time delta
 * shifted left by 5 bits still fits in 64. */
#define TIME_LIMIT_NS (UINT64_C(1) << 58)
/* Summary budget: about one finest bucket per this many events. */
#define EVENTS_PER_BUCKET 16
#define MIN_BUCKETS 4096
/* Below this many events in view, a lane is drawn from its events, exactly. */
#define DIRECT_EVENTS_MIN 4096
#define DIRECT_EVENTS_PER_COLUMN 32

struct checkpoint {
    uint64_t first_time;  /* time of the block's first event */
    uint64_t base_time;   /* time of the event before it (the lane's start for block 0) */
    uint64_t offset;      /* where the block starts in the lane's stream */
    uint64_t wait_since;
    uint32_t base_object; /* object of the event before it */
    uint32_t wait_object;
    uint32_t held_first;  /* its holds: lane->held[held_first .. + held_count] */
    uint32_t held_count;
    uint32_t held_unlisted;
    uint8_t wait_state;
    uint8_t wait_op;
};

/* An OpenCL call (a thread's lane) or device command (a queue's) laid over
 * the lane. A thread's calls follow one another; a queue's commands can
 * overlap (out-of-order queues). */
struct span {
    uint64_t start, end;
    uint64_t reach; /* the latest end of this span and all before it */
    uint32_t item;  /* its index in the OpenCL log */
    uint8_t state;
    uint8_t op;     /* the event its start is (LANE_OP_CALL, LANE_OP_CALL_WAITS, LANE_OP_COMMAND) */
};

struct summary_level {
    uint64_t first;  /* absolute index of the lane's first bucket at this level */
    uint64_t count;
    uint64_t offset; /* into lane->buckets */
};

struct lane {
    uint64_t start_ns, end_ns;
    uint64_t event_count;
    uint8_t *stream; /* per event: varint(delta_ns << 5 | same_object << 4 | op) [varint(object)] */
    size_t stream_size;
    struct checkpoint *checkpoints;
    size_t checkpoint_count;
    struct lane_held *held;
    size_t held_count;
    struct summary_level *levels;
    unsigned level_count;
    uint16_t *buckets; /* per bucket: the states the thread was in during it, one bit per enum lane_state */
    uint64_t bucket_count;
    uint8_t *mark_bits; /* one bit per bucket: the marked object was used in it */
    struct span *spans; /* by start */
    size_t span_count;
    uint32_t queue;     /* LANE_NONE for a thread's lane */
};

struct lane_index {
    const struct object_table *objects;
    unsigned bucket_shift; /* finest bucket: 1 << bucket_shift ns */
    struct lane *lanes;
    size_t lane_count, thread_count;
    uint32_t mark;
};

/* ---- states ---- */

_Static_assert(LANE_STATES <= 16, "a summary bucket keeps one bit per state in 16 bits");
_Static_assert(LANE_OP_COMMAND_END < 32, "operations are bits of an unsigned mask");

const char *lane_state_name(enum lane_state state)
{
    static const char *const names[LANE_STATES] = {
        "not alive",          "running",              "holding a lock",      "in an OpenCL call",
        "waiting on a condvar", "waiting on a semaphore", "waiting at a barrier", "joining a thread",
        "waiting for a lock", "queue idle",           "device: running a command", "device: transferring data",
        "device: running a kernel",
    };
    return state < LANE_STATES ? names[state] : "?";
}

char lane_state_glyph(enum lane_state state)
{
    static const char glyphs[LANE_STATES] = {' ', '-', '=', '@', '~', ':', '^', '.', '#', '_', 'o', 'T', 'K'};
    return state < LANE_STATES ? glyphs[state] : '?';
}

enum lane_state lane_state_of_wait(uint8_t object_class)
{
    switch (object_class) {
    case SNAG_CLASS_COND: return LANE_WAIT_COND;
    case SNAG_CLASS_SEM: return LANE_WAIT_SEM;
    case SNAG_CLASS_BARRIER: return LANE_WAIT_BARRIER;
    case SNAG_CLASS_THREAD: return LANE_WAIT_JOIN;
    default: return LANE_WAIT_LOCK;
    }
}

enum lane_state lane_state_of_command(uint32_t command_type)
{
    switch (command_type) {
    case CL_COMMAND_NDRANGE_KERNEL:
    case CL_COMMAND_TASK:
    case CL_COMMAND_NATIVE_KERNEL: return LANE_DEVICE_KERNEL;
    case CL_COMMAND_READ_BUFFER:
    case CL_COMMAND_WRITE_BUFFER:
    case CL_COMMAND_COPY_BUFFER:
    case CL_COMMAND_READ_IMAGE:
    case CL_COMMAND_WRITE_IMAGE:
    case CL_COMMAND_COPY_IMAGE:
    case CL_COMMAND_COPY_IMAGE_TO_BUFFER:
    case CL_COMMAND_COPY_BUFFER_TO_IMAGE:
    case CL_COMMAND_MAP_BUFFER:
    case CL_COMMAND_MAP_IMAGE:
    case CL_COMMAND_UNMAP_MEM_OBJECT:
    case CL_COMMAND_READ_BUFFER_RECT:
    case CL_COMMAND_WRITE_BUFFER_RECT:
    case CL_COMMAND_COPY_BUFFER_RECT:
    case CL_COMMAND_MIGRATE_MEM_OBJECTS:
    case CL_COMMAND_FILL_BUFFER:
    case CL_COMMAND_FILL_IMAGE:
    case CL_COMMAND_SVM_MEMCPY:
    case CL_COMMAND_SVM_MEMFILL:
    case CL_COMMAND_SVM_MAP:
    case CL_COMMAND_SVM_UNMAP: return LANE_DEVICE_TRANSFER;
    default: return LANE_DEVICE_OTHER;
    }
}

static bool is_holdable(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK || object_class == SNAG_CLASS_SPIN;
}

void lane_snapshot_clear(struct lane_snapshot *snapshot)
{
    free(snapshot->held);
    memset(snapshot, 0, sizeof *snapshot);
    snapshot->wait_object = OBJECT_NONE;
    snapshot->call = snapshot->command = LANE_NONE;
}

/* ---- the state machine: what events do to a thread ---- */

struct machine {
    struct lane_held *held;
    size_t held_count, held_capacity;
    uint64_t unlisted;
    uint32_t wait_object;
    uint8_t wait_state; /* LANE_DEAD when not blocked */
    uint8_t wait_op;
    uint64_t wait_since;
};

static void machine_init(struct machine *machine)
{
    memset(machine, 0, sizeof *machine);
    machine->wait_object = OBJECT_NONE;
}

static void machine_free(struct machine *machine)
{
    free(machine->held);
}

static enum lane_state machine_state(const struct machine *machine)
{
    if (machine->wait_state != LANE_DEAD) return (enum lane_state)machine->wait_state;
    return machine->held_count || machine->unlisted ? LANE_HOLDING : LANE_RUNNING;
}

static void machine_hold(struct machine *machine, uint32_t object)
{
    for (size_t index = 0; index < machine->held_count; index++)
        if (machine->held[index].object == object) {
            machine->held[index].depth++;
            return;
        }
    if (machine->held_count == machine->held_capacity) {
        size_t capacity = machine->held_capacity ? machine->held_capacity * 2 : 8;
        struct lane_held *bigger = realloc(machine->held, capacity * sizeof *bigger);
        if (!bigger) { /* still holding: counted, not named */
            machine->unlisted++;
            return;
        }
        machine->held = bigger;
        machine->held_capacity = capacity;
    }
    machine->held[machine->held_count++] = (struct lane_held){object, 1};
}

static void machine_release(struct machine *machine, uint32_t object)
{
    for (size_t index = 0; index < machine->held_count; index++)
        if (machine->held[index].object == object) {
            if (--machine->held[index].depth == 0) machine->held[index] = machine->held[--machine->held_count];
            return;
        }
    /* Not one it is known to hold: one of the unnamed ones, or a lock it
     * never took (a misuse the program made; nothing changes). */
    if (machine->unlisted) machine->unlisted--;
}

static void machine_apply(struct machine *machine, const struct object_table *objects, uint8_t op, uint32_t object,
                          uint64_t time_ns)
{
    /* A blocked thread records nothing: any event of its own means the
     * wait is over (acquired, woken, failed, or never recorded as ended). */
    machine->wait_state = LANE_DEAD;
    machine->wait_object = OBJECT_NONE;
    const struct view_object *info = object_table_at(objects, object);
    uint8_t object_class = info ? info->object_class : SNAG_CLASS_CONTROL;
    switch (op) {
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED:
        machine->wait_state = (uint8_t)lane_state_of_wait(object_class);
        machine->wait_object = object;
        machine->wait_op = op;
        machine->wait_since = time_ns;
        break;
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED:
        if (is_holdable(object_class)) machine_hold(machine, object);
        break;
    case SNAG_OP_RELEASE:
        if (is_holdable(object_class)) machine_release(machine, object);
        break;
    default: break;
    }
}

/* ---- the event stream ---- */

static bool put_varint(uint8_t **stream, size_t *size, size_t *capacity, uint64_t value)
{
    if (*size + 10 > *capacity) {
        size_t bigger_capacity = *capacity ? *capacity * 2 : 4096;
        uint8_t *bigger = realloc(*stream, bigger_capacity);
        if (!bigger) return false;
        *stream = bigger;
        *capacity = bigger_capacity;
    }
    while (value >= 0x80) {
        (*stream)[(*size)++] = (uint8_t)(value | 0x80);
        value >>= 7;
    }
    (*stream)[(*size)++] = (uint8_t)value;
    return true;
}

static uint64_t get_varint(const uint8_t **at)
{
    uint64_t value = 0;
    unsigned shift = 0;
    const uint8_t *bytes = *at;
    while (*bytes & 0x80) {
        value |= (uint64_t)(*bytes++ & 0x7f) << shift;
        shift += 7;
    }
    value |= (uint64_t)*bytes++ << shift;
    *at = bytes;
    return value;
}

struct decoder {
    const uint8_t *at, *end;
    uint64_t time;
    uint32_t object;
    uint64_t ordinal;
};

static void decoder_start(struct decoder *decoder, const struct lane *lane, size_t checkpoint)
{
    const struct checkpoint *point = &lane->checkpoints[checkpoint];
    decoder->at = lane->stream + point->offset;
    decoder->end = lane->stream + lane->stream_size;
    decoder->time = point->base_time;
    decoder->object = point->base_object;
    decoder->ordinal = (uint64_t)checkpoint * LANE_BLOCK;
}

static bool decoder_next(struct decoder *decoder, struct lane_event *event)
{
    if (decoder->at >= decoder->end) return false;
    uint64_t head = get_varint(&decoder->at);
    decoder->time += head >> 5;
    if (!(head & 0x10)) decoder->object = (uint32_t)get_varint(&decoder->at);
    event->time_ns = decoder->time;
    event->op = (uint8_t)(head & 0xf);
    event->object = decoder->object;
    event->item = LANE_NONE;
    event->ordinal = decoder->ordinal++;
    return true;
}

/* Number of checkpoints whose first event is before `time` (or at it, if inclusive). */
static size_t checkpoints_before(const struct lane *lane, uint64_t time, bool inclusive)
{
    size_t low = 0, high = lane->checkpoint_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        uint64_t first = lane->checkpoints[middle].first_time;
        if (first < time || (inclusive && first == time)) low = middle + 1;
        else high = middle;
    }
    return low;
}

/* The machine as it was at a checkpoint (before that block's first event). */
static bool machine_restore(struct machine *machine, const struct lane *lane, size_t checkpoint)
{
    const struct checkpoint *point = &lane->checkpoints[checkpoint];
    machine->held_count = 0;
    if (point->held_count > machine->held_capacity) {
        struct lane_held *bigger = realloc(machine->held, point->held_count * sizeof *bigger);
        if (!bigger) return false;
        machine->held = bigger;
        machine->held_capacity = point->held_count;
    }
    if (point->held_count) memcpy(machine->held, lane->held + point->held_first, point->held_count * sizeof *lane->held);
    machine->held_count = point->held_count;
    machine->unlisted = point->held_unlisted;
    machine->wait_object = point->wait_object;
    machine->wait_state = point->wait_state;
    machine->wait_op = point->wait_op;
    machine->wait_since = point->wait_since;
    return true;
}

/* ---- spans: OpenCL calls and device commands ---- */

/* The first span that may reach past `time`: the ones before it all end at or before it. */
static size_t spans_reaching(const struct lane *lane, uint64_t time)
{
    size_t low = 0, high = lane->span_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (lane->spans[middle].reach <= time) low = middle + 1;
        else high = middle;
    }
    return low;
}

/* Number of spans that start before `time` (or at it, if inclusive). */
static size_t spans_before(const struct lane *lane, uint64_t time, bool inclusive)
{
    size_t low = 0, high = lane->span_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        uint64_t start = lane->spans[middle].start;
        if (start < time || (inclusive && start == time)) low = middle + 1;
        else high = middle;
    }
    return low;
}

typedef void interval_sink(void *context, uint64_t from, uint64_t to, enum lane_state state);

/* [from, to) in `state`, except where the lane's spans lie over it: there
 * in theirs (where a queue's commands overlap, the earlier one's). In order,
 * without gaps. */
static void overlay(const struct lane *lane, uint64_t from, uint64_t to, enum lane_state state, interval_sink *sink,
                    void *context)
{
    uint64_t position = from;
    for (size_t at = spans_reaching(lane, from); at < lane->span_count && position < to; at++) {
        const struct span *span = &lane->spans[at];
        if (span->start >= to) break;
        if (span->end <= position) continue;
        uint64_t start = span->start > position ? span->start : position;
        uint64_t end = span->end < to ? span->end : to;
        if (start > position) sink(context, position, start, state);
        sink(context, start, end, (enum lane_state)span->state);
        position = end;
    }
    if (position < to) sink(context, position, to, state);
}

static uint8_t span_end_op(const struct span *span)
{
    return span->op == LANE_OP_COMMAND ? LANE_OP_COMMAND_END : LANE_OP_CALL_END;
}

/* A span's start (end = false) or end as an event. */
static struct lane_event span_event(const struct lane *lane, size_t at, bool end)
{
    const struct span *span = &lane->spans[at];
    return (struct lane_event){
        .time_ns = end ? span->end : span->start,
        .ordinal = LANE_SPAN_ORDINAL + 2 * (uint64_t)at + end,
        .object = OBJECT_NONE,
        .item = span->item,
        .op = end ? span_end_op(span) : span->op,
    };
}

static bool event_before_event(const struct lane_event *a, const struct lane_event *b)
{
    return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->ordinal < b->ordinal);
}

/* The first span event after (at_ns, from_ordinal) in (time, ordinal) order whose op is in ops. */
static bool span_event_from(const struct lane *lane, uint64_t at_ns, uint64_t from_ordinal, unsigned ops,
                            struct lane_event *best)
{
    bool found = false;
    const struct lane_event limit = {.time_ns = at_ns, .ordinal = from_ordinal};
    for (size_t at = spans_reaching(lane, at_ns ? at_ns - 1 : 0); at < lane->span_count; at++) {
        if (found && lane->spans[at].start > best->time_ns) break;
        for (int end = 0; end < 2; end++) {
            struct lane_event candidate = span_event(lane, (size_t)at, end);
            if (!(ops >> candidate.op & 1) || event_before_event(&candidate, &limit)) continue;
            if (!found || event_before_event(&candidate, best)) {
                *best = candidate;
                found = true;
            }
        }
    }
    return found;
}

/* The last span event before (at_ns, before_ordinal) whose op is in ops. */
static bool span_event_before(const struct lane *lane, uint64_t at_ns, uint64_t before_ordinal, unsigned ops,
                              struct lane_event *best)
{
    bool found = false;
    const struct lane_event limit = {.time_ns = at_ns, .ordinal = before_ordinal};
    for (size_t at = spans_before(lane, at_ns, true); at-- > 0;) {
        if (found && lane->spans[at].reach < best->time_ns) break;
        for (int end = 0; end < 2; end++) {
            struct lane_event candidate = span_event(lane, at, end);
            if (!(ops >> candidate.op & 1) || !event_before_event(&candidate, &limit)) continue;
            if (!found || event_before_event(best, &candidate)) {
                *best = candidate;
                found = true;
            }
        }
    }
    return found;
}

/* ---- the summary ---- */

struct summary_builder {
    unsigned shift;
    uint64_t first, current; /* absolute bucket indexes */
    uint16_t present;        /* states seen in the current bucket */
    uint16_t *buckets;
    size_t count, capacity;
    bool failed;
};

static void summary_flush(struct summary_builder *builder)
{
    if (!builder->failed && builder->count == builder->capacity) {
        size_t capacity = builder->capacity ? builder->capacity * 2 : 64;
        void *bigger = realloc(builder->buckets, capacity * sizeof *builder->buckets);
        if (!bigger) builder->failed = true;
        else {
            builder->buckets = bigger;
            builder->capacity = capacity;
        }
    }
    if (!builder->failed) builder->buckets[builder->count++] = builder->present;
    builder->present = 0;
    builder->current++;
}

/* The thread spent [from, to) in `state`; intervals come in order, without gaps. */
static void summary_add(struct summary_builder *builder, uint64_t from, uint64_t to, enum lane_state state)
{
    while (from < to) {
        uint64_t bucket = from >> builder->shift;
        while (builder->current < bucket) summary_flush(builder);
        uint64_t bucket_end = (bucket + 1) << builder->shift;
        uint64_t piece_end = to < bucket_end ? to : bucket_end;
        builder->present |= (uint16_t)(1u << state);
        from = piece_end;
        if (from == bucket_end) summary_flush(builder);
    }
}

static void summary_sink(void *context, uint64_t from, uint64_t to, enum lane_state state)
{
    summary_add(context, from, to, state);
}

/* Level 0 from the builder, then each coarser level from the one below. */
static bool summary_finish(struct lane *lane, struct summary_builder *builder)
{
    if (builder->failed || builder->count == 0) return false;
    unsigned levels = 1;
    uint64_t total = builder->count;
    for (uint64_t first = builder->first, count = builder->count; count > 1; levels++) {
        uint64_t last = (first + count - 1) >> 1;
        first >>= 1;
        count = last - first + 1;
        total += count;
    }
    lane->levels = calloc(levels, sizeof *lane->levels);
    lane->buckets = malloc(total * sizeof *lane->buckets);
    if (!lane->levels || !lane->buckets) return false;
    memcpy(lane->buckets, builder->buckets, builder->count * sizeof *lane->buckets);
    lane->levels[0] = (struct summary_level){builder->first, builder->count, 0};
    for (unsigned level = 1; level < levels; level++) {
        const struct summary_level *below = &lane->levels[level - 1];
        struct summary_level *here = &lane->levels[level];
        here->first = below->first >> 1;
        here->count = ((below->first + below->count - 1) >> 1) - here->first + 1;
        here->offset = below->offset + below->count;
        for (uint64_t index = 0; index < here->count; index++) {
            uint16_t present = 0;
            for (uint64_t child = (here->first + index) * 2; child <= (here->first + index) * 2 + 1; child++) {
                if (child >= below->first && child < below->first + below->count)
                    present |= lane->buckets[below->offset + child - below->first];
                else present |= 1u << LANE_DEAD; /* outside the thread's life */
            }
            lane->buckets[here->offset + index] = present;
        }
    }
    lane->level_count = levels;
    lane->bucket_count = total;
    return true;
}

/* ---- building ---- */

static uint64_t clamp_time(uint64_t time) { return time < TIME_LIMIT_NS ? time : TIME_LIMIT_NS; }

/* The time a lane covers: the thread's life (the reader ends a thread
 * killed with its process when its parent's wait saw it gone). A thread
 * whose end nobody saw (still running, or killed and never reaped in the
 * trace) lasts until the trace ends, in the state its events left it in,
 * rather than vanish at its last event. */
static void lane_span(const struct snag_trace *trace, uint32_t thread, uint64_t *start, uint64_t *end)
{
    const struct snag_thread_info *info = snag_trace_thread(trace, thread);
    const struct snag_process_info *process = snag_trace_process(trace, info->process);
    *start = clamp_time(info->start_ns);
    *end = clamp_time(info->end_ns);
    if (info->exit_how < 0 && process->exit_kind == SNAG_EXIT_UNKNOWN) *end = clamp_time(snag_trace_end_ns(trace));
    if (*end < *start) *end = *start;
}

static bool push_checkpoint(struct lane *lane, size_t *capacity, size_t *held_capacity, const struct machine *machine,
                            uint64_t first_time, uint64_t base_time, uint32_t base_object)
{
    if (lane->checkpoint_count == *capacity) {
        size_t bigger_capacity = *capacity ? *capacity * 2 : 16;
        struct checkpoint *bigger = realloc(lane->checkpoints, bigger_capacity * sizeof *bigger);
        if (!bigger) return false;
        lane->checkpoints = bigger;
        *capacity = bigger_capacity;
    }
    size_t listed = machine->held_count < HELD_AT_CHECKPOINT ? machine->held_count : HELD_AT_CHECKPOINT;
    uint64_t unlisted = machine->unlisted;
    for (size_t index = listed; index < machine->held_count; index++) unlisted += machine->held[index].depth;
    if (lane->held_count + listed > *held_capacity) {
        size_t bigger_capacity = *held_capacity ? *held_capacity * 2 : 16;
        while (bigger_capacity < lane->held_count + listed) bigger_capacity *= 2;
        struct lane_held *bigger = realloc(lane->held, bigger_capacity * sizeof *bigger);
        if (!bigger) return false;
        lane->held = bigger;
        *held_capacity = bigger_capacity;
    }
    if (lane->held_count > UINT32_MAX - listed) return false;
    if (listed) memcpy(lane->held + lane->held_count, machine->held, listed * sizeof *machine->held);
    lane->checkpoints[lane->checkpoint_count++] = (struct checkpoint){
        .first_time = first_time,
        .base_time = base_time,
        .offset = lane->stream_size,
        .wait_since = machine->wait_since,
        .base_object = base_object,
        .wait_object = machine->wait_object,
        .held_first = (uint32_t)lane->held_count,
        .held_count = (uint32_t)listed,
        .held_unlisted = unlisted > UINT32_MAX ? UINT32_MAX : (uint32_t)unlisted,
        .wait_state = machine->wait_state,
        .wait_op = machine->wait_op,
    };
    lane->held_count += listed;
    return true;
}

static void note_first_use(struct object_table *objects, uint32_t id, const struct snag_event *event, uint64_t time)
{
    struct view_object *object = object_table_get(objects, id);
    if (!object) return;
    switch (event->op) {
    case SNAG_OP_INIT:
        if (!object->init_site) object->init_site = event->site;
        break;
    case SNAG_OP_WAIT:
    case SNAG_OP_WAIT_SHARED:
    case SNAG_OP_ACQUIRE:
    case SNAG_OP_ACQUIRE_SHARED:
        if (time < object->first_use_ns) {
            object->first_use_ns = time;
            object->first_site = event->site;
        }
        break;
    default: break;
    }
}

static bool build_lane(struct lane_index *index, const struct snag_trace *trace, struct object_table *objects,
                       uint32_t thread)
{
    struct lane *lane = &index->lanes[thread];
    lane_span(trace, thread, &lane->start_ns, &lane->end_ns);
    lane->queue = LANE_NONE;

    struct summary_builder summary = {.shift = index->bucket_shift};
    summary.first = summary.current = lane->start_ns >> summary.shift;
    summary_add(&summary, summary.first << summary.shift, lane->start_ns, LANE_DEAD);

    struct snag_event_cursor *cursor = snag_events_of_thread(trace, thread);
    struct machine machine;
    machine_init(&machine);
    size_t stream_capacity = 0, checkpoint_capacity = 0, held_capacity = 0;
    uint64_t previous_time = lane->start_ns;
    uint32_t previous_object = OBJECT_NONE, last_id = OBJECT_NONE;
    uint8_t last_class = 0xff;
    uint64_t last_address = 0;
    bool ok = cursor != NULL;
    struct snag_event event;
    while (ok && snag_event_next(cursor, &event)) {
        uint64_t time = clamp_time(event.time_ns);
        if (time < previous_time) time = previous_time;
        if (time > lane->end_ns) time = lane->end_ns;
        /* Loops take the same lock again and again: skip the table then. */
        if (event.object_class != last_class || event.object != last_address) {
            last_id = object_table_intern(objects, event.process, event.object_class, event.object);
            last_class = event.object_class;
            last_address = event.object;
        }
        if (last_id == OBJECT_NONE) {
            ok = false;
            break;
        }
        if (lane->event_count % LANE_BLOCK == 0 &&
            !push_checkpoint(lane, &checkpoint_capacity, &held_capacity, &machine, time, previous_time,
                             previous_object)) {
            ok = false;
            break;
        }
        bool same = last_id == previous_object;
        uint64_t head = (time - previous_time) << 5 | (same ? 0x10u : 0) | (event.op & 0xfu);
        if (!put_varint(&lane->stream, &lane->stream_size, &stream_capacity, head) ||
            (!same && !put_varint(&lane->stream, &lane->stream_size, &stream_capacity, last_id))) {
            ok = false;
            break;
        }
        overlay(lane, previous_time, time, machine_state(&machine), summary_sink, &summary);
        note_first_use(objects, last_id, &event, time);
        machine_apply(&machine, objects, event.op, last_id, time);
        previous_time = time;
        previous_object = last_id;
        lane->event_count++;
    }
    snag_event_cursor_free(cursor);
    if (ok) {
        overlay(lane, previous_time, lane->end_ns, machine_state(&machine), summary_sink, &summary);
        uint64_t last_bucket = ((lane->end_ns > lane->start_ns ? lane->end_ns : lane->start_ns + 1) - 1) >> summary.shift;
        summary_add(&summary, lane->end_ns, (last_bucket + 1) << summary.shift, LANE_DEAD);
        ok = summary_finish(lane, &summary);
    }
    free(summary.buckets);
    machine_free(&machine);
    /* Give back what growth by doubling left unused. */
    if (ok && lane->stream_size) {
        uint8_t *fitted = realloc(lane->stream, lane->stream_size);
        if (fitted) lane->stream = fitted;
    }
    if (ok && lane->checkpoint_count) {
        struct checkpoint *fitted = realloc(lane->checkpoints, lane->checkpoint_count * sizeof *fitted);
        if (fitted) lane->checkpoints = fitted;
    }
    return ok;
}

static int compare_spans(const void *left, const void *right)
{
    const struct span *a = left, *b = right;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return a->item < b->item ? -1 : a->item > b->item;
}

/* Every lane's spans: each thread's OpenCL calls, each queue's device
 * commands (those the device gave times for), by start. */
static bool build_spans(struct lane_index *index, const struct snag_opencl_log *log)
{
    size_t calls = snag_opencl_call_count(log), commands = snag_opencl_command_count(log);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t at = 0; at < calls; at++) {
            const struct snag_opencl_call *call = snag_opencl_call(log, at);
            if (call->thread >= index->thread_count) continue;
            struct lane *lane = &index->lanes[call->thread];
            if (pass == 0) {
                lane->span_count++;
                continue;
            }
            uint64_t start = clamp_time(call->start_ns), end = clamp_time(call->end_ns);
            lane->spans[lane->span_count++] = (struct span){
                .start = start,
                .end = end > start ? end : start,
                .item = (uint32_t)at,
                .state = LANE_OPENCL,
                .op = call->flags & SNAG_OPENCL_WAITS ? LANE_OP_CALL_WAITS : LANE_OP_CALL,
            };
        }
        for (size_t at = 0; at < commands; at++) {
            const struct snag_opencl_command *command = snag_opencl_command(log, at);
            if (!command->profiled || command->queue >= index->lane_count - index->thread_count) continue;
            struct lane *lane = &index->lanes[index->thread_count + command->queue];
            if (pass == 0) {
                lane->span_count++;
                continue;
            }
            uint64_t start = clamp_time(command->start_ns), end = clamp_time(command->end_ns);
            lane->spans[lane->span_count++] = (struct span){
                .start = start,
                .end = end > start ? end : start,
                .item = (uint32_t)at,
                .state = (uint8_t)lane_state_of_command(command->command_type),
                .op = LANE_OP_COMMAND,
            };
        }
        for (size_t number = 0; number < index->lane_count; number++) {
            struct lane *lane = &index->lanes[number];
            if (pass == 0) {
                if (lane->span_count && !(lane->spans = calloc(lane->span_count, sizeof *lane->spans))) return false;
                lane->span_count = 0;
                continue;
            }
            if (lane->span_count > 1) qsort(lane->spans, lane->span_count, sizeof *lane->spans, compare_spans);
            uint64_t reach = 0;
            for (size_t at = 0; at < lane->span_count; at++) {
                struct span *span = &lane->spans[at];
                /* a thread's calls follow one another (a call made inside another is part of it) */
                if (lane->queue == LANE_NONE && span->start < reach) span->start = reach;
                if (span->end < span->start) span->end = span->start;
                if (span->end > reach) reach = span->end;
                span->reach = reach;
            }
        }
    }
    return true;
}

/* A queue's lane: from its creation (or its first command, if earlier:
 * device clocks are mapped within an uncertainty) to its process's end
 * (or its last command's), idle between its commands. */
static void queue_span(const struct snag_trace *trace, const struct snag_opencl_queue *queue, uint64_t *start,
                       uint64_t *end)
{
    const struct snag_process_info *process = snag_trace_process(trace, queue->process);
    *start = clamp_time(queue->created_ns);
    *end = clamp_time(process && process->exit_kind != SNAG_EXIT_UNKNOWN ? process->end_ns : snag_trace_end_ns(trace));
    if (*end < *start) *end = *start;
}

static bool build_queue_lane(struct lane_index *index, uint32_t number)
{
    struct lane *lane = &index->lanes[number];
    if (lane->span_count) {
        if (lane->spans[0].start < lane->start_ns) lane->start_ns = lane->spans[0].start;
        if (lane->spans[lane->span_count - 1].reach > lane->end_ns) lane->end_ns = lane->spans[lane->span_count - 1].reach;
    }
    struct summary_builder summary = {.shift = index->bucket_shift};
    summary.first = summary.current = lane->start_ns >> summary.shift;
    summary_add(&summary, summary.first << summary.shift, lane->start_ns, LANE_DEAD);
    overlay(lane, lane->start_ns, lane->end_ns, LANE_QUEUE_IDLE, summary_sink, &summary);
    uint64_t last_bucket = ((lane->end_ns > lane->start_ns ? lane->end_ns : lane->start_ns + 1) - 1) >> summary.shift;
    summary_add(&summary, lane->end_ns, (last_bucket + 1) << summary.shift, LANE_DEAD);
    bool ok = summary_finish(lane, &summary);
    free(summary.buckets);
    return ok;
}

struct lane_index *lane_index_build(const struct snag_trace *trace, struct object_table *objects, char *error,
                                    size_t error_size)
{
    struct lane_index *index = calloc(1, sizeof *index);
    const struct snag_opencl_log *log = snag_trace_opencl(trace);
    size_t threads = snag_trace_thread_count(trace), queues = snag_opencl_queue_count(log);
    size_t lanes = threads + queues;
    if (!index || !(index->lanes = calloc(lanes ? lanes : 1, sizeof *index->lanes))) {
        free(index);
        snprintf(error, error_size, "out of memory indexing the trace");
        return NULL;
    }
    index->objects = objects;
    index->lane_count = lanes;
    index->thread_count = threads;
    index->mark = OBJECT_NONE;
    for (size_t number = 0; number < lanes; number++) {
        struct lane *lane = &index->lanes[number];
        if (number < threads) {
            lane->queue = LANE_NONE;
            lane_span(trace, (uint32_t)number, &lane->start_ns, &lane->end_ns);
        } else {
            lane->queue = (uint32_t)(number - threads);
            queue_span(trace, snag_opencl_queue(log, lane->queue), &lane->start_ns, &lane->end_ns);
        }
    }
    /* The finest bucket: a power of two chosen so that all lanes' lives
     * together take about one bucket per EVENTS_PER_BUCKET events. */
    bool ok = build_spans(index, log);
    uint64_t lifetimes = 0;
    for (size_t number = 0; number < lanes; number++) lifetimes += index->lanes[number].end_ns - index->lanes[number].start_ns;
    uint64_t budget = (snag_trace_event_count(trace) + snag_opencl_call_count(log) + snag_opencl_command_count(log)) / EVENTS_PER_BUCKET;
    if (budget < MIN_BUCKETS) budget = MIN_BUCKETS;
    while (index->bucket_shift < 58 && (lifetimes >> index->bucket_shift) > budget) index->bucket_shift++;
    for (size_t number = 0; ok && number < lanes; number++)
        ok = number < threads ? build_lane(index, trace, objects, (uint32_t)number) : build_queue_lane(index, (uint32_t)number);
    if (!ok) {
        lane_index_free(index);
        snprintf(error, error_size, "out of memory indexing the trace");
        return NULL;
    }
    return index;
}

void lane_index_free(struct lane_index *index)
{
    if (!index) return;
    for (size_t thread = 0; thread < index->lane_count; thread++) {
        struct lane *lane = &index->lanes[thread];
        free(lane->stream);
        free(lane->checkpoints);
        free(lane->held);
        free(lane->levels);
        free(lane->buckets);
        free(lane->mark_bits);
        free(lane->spans);
    }
    free(index->lanes);
    free(index);
}

size_t lane_index_lane_count(const struct lane_index *index) { return index->lane_count; }
uint64_t lane_index_bucket_ns(const struct lane_index *index) { return UINT64_C(1) << index->bucket_shift; }
uint32_t lane_index_mark(const struct lane_index *index) { return index->mark; }

uint32_t lane_index_queue(const struct lane_index *index, uint32_t lane)
{
    return lane < index->lane_count ? index->lanes[lane].queue : LANE_NONE;
}

uint64_t lane_index_span_count(const struct lane_index *index, uint32_t lane)
{
    return lane < index->lane_count ? index->lanes[lane].span_count : 0;
}

uint32_t lane_index_span_item(const struct lane_index *index, uint32_t lane, uint64_t position)
{
    if (lane >= index->lane_count || position >= index->lanes[lane].span_count) return LANE_NONE;
    return index->lanes[lane].spans[position].item;
}

uint64_t lane_index_event_count(const struct lane_index *index, uint32_t lane)
{
    return lane < index->lane_count ? index->lanes[lane].event_count : 0;
}

size_t lane_index_bytes(const struct lane_index *index)
{
    size_t bytes = sizeof *index + index->lane_count * sizeof *index->lanes;
    for (size_t thread = 0; thread < index->lane_count; thread++) {
        const struct lane *lane = &index->lanes[thread];
        bytes += lane->stream_size + lane->checkpoint_count * sizeof *lane->checkpoints +
                 lane->held_count * sizeof *lane->held + lane->level_count * sizeof *lane->levels +
                 lane->bucket_count * sizeof *lane->buckets + lane->span_count * sizeof *lane->spans;
        if (lane->mark_bits) bytes += (lane->bucket_count + 7) / 8;
    }
    return bytes;
}

/* ---- walking a lane's events ---- */

struct walk_visitor {
    void (*interval)(void *context, uint64_t from, uint64_t to, enum lane_state state);
    void (*event)(void *context, const struct lane_event *event);
    void *context;
};

/* [from, to) in `state` while alive, not alive outside the thread's life. */
static void visit_interval(const struct lane *lane, const struct walk_visitor *visitor, uint64_t from, uint64_t to,
                           enum lane_state state)
{
    if (from >= to) return;
    uint64_t alive_from = from > lane->start_ns ? from : lane->start_ns;
    uint64_t alive_to = to < lane->end_ns ? to : lane->end_ns;
    if (alive_from >= alive_to) {
        visitor->interval(visitor->context, from, to, LANE_DEAD);
        return;
    }
    if (from < alive_from) visitor->interval(visitor->context, from, alive_from, LANE_DEAD);
    overlay(lane, alive_from, alive_to, state, visitor->interval, visitor->context);
    if (alive_to < to) visitor->interval(visitor->context, alive_to, to, LANE_DEAD);
}

/* Every state interval and event of [from, to), in order. */
static bool lane_walk(const struct lane_index *index, const struct lane *lane, uint64_t from, uint64_t to,
                      const struct walk_visitor *visitor)
{
    if (lane->checkpoint_count == 0) {
        visit_interval(lane, visitor, from, to, lane->queue == LANE_NONE ? LANE_RUNNING : LANE_QUEUE_IDLE);
        return true;
    }
    struct machine machine;
    machine_init(&machine);
    size_t checkpoint = checkpoints_before(lane, from, true);
    checkpoint = checkpoint ? checkpoint - 1 : 0;
    if (!machine_restore(&machine, lane, checkpoint)) {
        machine_free(&machine);
        return false;
    }
    struct decoder decoder;
    decoder_start(&decoder, lane, checkpoint);
    uint64_t position = from;
    struct lane_event event;
    while (decoder_next(&decoder, &event)) {
        if (event.time_ns >= to) break;
        if (event.time_ns >= from) {
            visit_interval(lane, visitor, position, event.time_ns, machine_state(&machine));
            if (visitor->event) visitor->event(visitor->context, &event);
            position = event.time_ns;
        }
        machine_apply(&machine, index->objects, event.op, event.object, event.time_ns);
    }
    visit_interval(lane, visitor, position, to, machine_state(&machine));
    machine_free(&machine);
    return true;
}

/* ---- columns ---- */

struct column_walk {
    uint64_t start, width;
    size_t columns;
    uint16_t *present; /* per column: the states seen in it */
    uint8_t *marked;
    uint32_t mark;
};

static void column_interval(void *context, uint64_t from, uint64_t to, enum lane_state state)
{
    struct column_walk *walk = context;
    if (to <= walk->start) return;
    if (from < walk->start) from = walk->start;
    size_t column = (size_t)((from - walk->start) / walk->width);
    while (from < to && column < walk->columns) {
        uint64_t column_end = walk->start + (column + 1) * walk->width;
        uint64_t piece_end = to < column_end ? to : column_end;
        walk->present[column] |= (uint16_t)(1u << state);
        from = piece_end;
        column++;
    }
}

static void column_event(void *context, const struct lane_event *event)
{
    struct column_walk *walk = context;
    if (!walk->marked || event->object != walk->mark || event->time_ns < walk->start) return;
    uint64_t column = (event->time_ns - walk->start) / walk->width;
    if (column < walk->columns) walk->marked[column] = 1;
}

/* What a cell shows of the states a thread was in during its slice of
 * time: the most telling one (the latest in enum lane_state), however
 * briefly: a 1 us wait in a 10 ms cell of running stays visible. */
static uint8_t telling_state(unsigned present)
{
    uint8_t best = LANE_DEAD;
    for (int state = 1; state < LANE_STATES; state++)
        if (present >> state & 1) best = (uint8_t)state;
    return best;
}

static bool mark_bit(const struct lane *lane, uint64_t bucket)
{
    return (lane->mark_bits[bucket >> 3] >> (bucket & 7)) & 1;
}

/* The states (and whether the marked object was used) in [from, to) at
 * `level`: buckets inside the range whole, a bucket straddling one of its
 * edges through its halves one level finer, so that a state near a
 * column's edge lands in its own column (down to the finest bucket). */
static unsigned range_present(const struct lane_index *index, const struct lane *lane, unsigned level, uint64_t from,
                              uint64_t to, bool *used)
{
    unsigned shift = index->bucket_shift + level, present = 0;
    const struct summary_level *here = &lane->levels[level];
    for (uint64_t bucket = from >> shift; bucket <= (to - 1) >> shift; bucket++) {
        uint64_t bucket_from = bucket << shift, bucket_to = (bucket + 1) << shift;
        if (bucket < here->first || bucket >= here->first + here->count) {
            present |= 1u << LANE_DEAD;
            continue;
        }
        if (level > 0 && (bucket_from < from || bucket_to > to)) {
            present |= range_present(index, lane, level - 1, bucket_from > from ? bucket_from : from,
                                     bucket_to < to ? bucket_to : to, used);
            continue;
        }
        uint64_t at = here->offset + bucket - here->first;
        present |= lane->buckets[at];
        if (lane->mark_bits && mark_bit(lane, at)) *used = true;
    }
    return present;
}

static void columns_from_summary(const struct lane_index *index, const struct lane *lane, uint64_t start,
                                 uint64_t width, size_t columns, uint8_t *states, uint8_t *marked)
{
    /* The coarsest level whose buckets are no wider than a column. */
    unsigned level = 0;
    while (level + 1 < lane->level_count && (UINT64_C(1) << (index->bucket_shift + level + 1)) <= width) level++;
    for (size_t column = 0; column < columns; column++) {
        uint64_t from = start + column * width, to = from + width;
        if (to <= lane->start_ns || from >= lane->end_ns) {
            states[column] = LANE_DEAD;
            continue;
        }
        bool used = false;
        states[column] = telling_state(range_present(index, lane, level, from, to, &used));
        if (marked) marked[column] = used;
    }
}

void lane_index_columns(const struct lane_index *index, uint32_t lane_number, uint64_t start_ns,
                        uint64_t ns_per_column, size_t columns, uint8_t *states, uint8_t *marked)
{
    if (columns == 0) return;
    memset(states, LANE_DEAD, columns);
    if (marked) memset(marked, 0, columns);
    if (lane_number >= index->lane_count) return;
    const struct lane *lane = &index->lanes[lane_number];
    uint64_t width = ns_per_column ? ns_per_column : 1;
    if (start_ns > TIME_LIMIT_NS * 4) return;
    if (width > TIME_LIMIT_NS * 4 / columns) width = TIME_LIMIT_NS * 4 / columns;
    uint64_t end_ns = start_ns + columns * width;
    if (end_ns <= lane->start_ns || start_ns >= lane->end_ns) return;
    /* Few events in view: exact, from the events; many: from the summary. */
    size_t first = checkpoints_before(lane, start_ns, true), last = checkpoints_before(lane, end_ns, false);
    uint64_t in_view = (uint64_t)(last - (first ? first - 1 : 0) + 1) * LANE_BLOCK;
    size_t spans_from = spans_reaching(lane, start_ns), spans_to = spans_before(lane, end_ns, false);
    if (spans_to > spans_from) in_view += spans_to - spans_from;
    uint64_t direct_limit = (uint64_t)columns * DIRECT_EVENTS_PER_COLUMN;
    if (direct_limit < DIRECT_EVENTS_MIN) direct_limit = DIRECT_EVENTS_MIN;
    if (in_view > direct_limit && lane->level_count) {
        columns_from_summary(index, lane, start_ns, width, columns, states, index->mark != OBJECT_NONE ? marked : NULL);
        return;
    }
    uint16_t *present = calloc(columns, sizeof *present);
    if (!present) return;
    struct column_walk walk = {start_ns, width, columns, present, index->mark != OBJECT_NONE ? marked : NULL, index->mark};
    struct walk_visitor visitor = {column_interval, column_event, &walk};
    if (lane_walk(index, lane, start_ns, end_ns, &visitor))
        for (size_t column = 0; column < columns; column++) states[column] = telling_state(present[column]);
    free(present);
}

/* ---- events and instants ---- */

static int stream_event_from(const struct lane *lane, uint64_t at_ns, uint64_t from_ordinal, unsigned ops,
                             struct lane_event *event)
{
    if (lane->checkpoint_count == 0 || !(ops & LANE_OPS_THREAD)) return 0;
    size_t checkpoint = checkpoints_before(lane, at_ns, false);
    struct decoder decoder;
    decoder_start(&decoder, lane, checkpoint ? checkpoint - 1 : 0);
    while (decoder_next(&decoder, event))
        if ((event->time_ns > at_ns || (event->time_ns == at_ns && event->ordinal >= from_ordinal)) &&
            (ops >> event->op & 1))
            return 1;
    return 0;
}

static int stream_event_before(const struct lane *lane, uint64_t at_ns, uint64_t before_ordinal, unsigned ops,
                               struct lane_event *event)
{
    if (!(ops & LANE_OPS_THREAD)) return 0;
    /* Block by block backwards from the one holding at_ns, until one has a match. */
    for (size_t checkpoint = checkpoints_before(lane, at_ns, true); checkpoint > 0; checkpoint--) {
        struct decoder decoder;
        decoder_start(&decoder, lane, checkpoint - 1);
        struct lane_event candidate;
        int found = 0;
        for (int count = 0; count < LANE_BLOCK && decoder_next(&decoder, &candidate) &&
                            (candidate.time_ns < at_ns || (candidate.time_ns == at_ns && candidate.ordinal < before_ordinal));
             count++)
            if (ops >> candidate.op & 1) {
                *event = candidate;
                found = 1;
            }
        if (found) return 1;
    }
    return 0;
}

/* A thread's events and its spans' events merged: at one nanosecond, the
 * thread's first (span ordinals are above theirs). */
int lane_index_event_from(const struct lane_index *index, uint32_t lane_number, uint64_t at_ns, uint64_t from_ordinal,
                          unsigned ops, struct lane_event *event)
{
    if (lane_number >= index->lane_count) return 0;
    const struct lane *lane = &index->lanes[lane_number];
    struct lane_event from_stream, from_spans;
    int in_stream = stream_event_from(lane, at_ns, from_ordinal, ops, &from_stream);
    int in_spans = span_event_from(lane, at_ns, from_ordinal, ops, &from_spans);
    if (!in_stream && !in_spans) return 0;
    *event = in_stream && (!in_spans || event_before_event(&from_stream, &from_spans)) ? from_stream : from_spans;
    return 1;
}

int lane_index_event_before(const struct lane_index *index, uint32_t lane_number, uint64_t at_ns,
                            uint64_t before_ordinal, unsigned ops, struct lane_event *event)
{
    if (lane_number >= index->lane_count) return 0;
    const struct lane *lane = &index->lanes[lane_number];
    struct lane_event from_stream, from_spans;
    int in_stream = stream_event_before(lane, at_ns, before_ordinal, ops, &from_stream);
    int in_spans = span_event_before(lane, at_ns, before_ordinal, ops, &from_spans);
    if (!in_stream && !in_spans) return 0;
    *event = in_stream && (!in_spans || event_before_event(&from_spans, &from_stream)) ? from_stream : from_spans;
    return 1;
}

int lane_index_last_on_object(const struct lane_index *index, uint32_t lane_number, uint32_t object, unsigned ops,
                              uint64_t from_ns, uint64_t to_ns, uint64_t max_events, struct lane_event *event)
{
    if (lane_number >= index->lane_count) return 0;
    const struct lane *lane = &index->lanes[lane_number];
    uint64_t decoded = 0;
    /* Block by block backwards from the one holding to_ns, until a match or from_ns. */
    for (size_t checkpoint = checkpoints_before(lane, to_ns, true); checkpoint > 0; checkpoint--) {
        if (decoded >= max_events) return -1;
        struct decoder decoder;
        decoder_start(&decoder, lane, checkpoint - 1);
        struct lane_event candidate;
        int found = 0;
        for (int count = 0; count < LANE_BLOCK && decoder_next(&decoder, &candidate) && candidate.time_ns <= to_ns;
             count++) {
            decoded++;
            if (candidate.time_ns >= from_ns && candidate.object == object && (ops >> candidate.op & 1)) {
                *event = candidate;
                found = 1;
            }
        }
        if (found) return 1;
        if (lane->checkpoints[checkpoint - 1].first_time < from_ns) return 0;
    }
    return 0;
}

int lane_index_next_event(const struct lane_index *index, uint32_t lane_number, uint64_t after_ns, unsigned ops,
                          struct lane_event *event)
{
    return lane_index_event_from(index, lane_number, after_ns, UINT64_MAX, ops, event);
}

int lane_index_previous_event(const struct lane_index *index, uint32_t lane_number, uint64_t before_ns, unsigned ops,
                              struct lane_event *event)
{
    return lane_index_event_before(index, lane_number, before_ns, 0, ops, event);
}

/* Spans a snapshot looks back over for the ones covering its instant
 * (overlapping commands of an out-of-order queue): it stays quick. */
#define SNAPSHOT_SPANS_MAX 4096

/* The spans covering `at_ns`: the earliest started into snapshot->call or
 * command, how many, and the most telling state among them (LANE_DEAD if none). */
static enum lane_state snapshot_spans(const struct lane *lane, uint64_t at_ns, struct lane_snapshot *snapshot)
{
    enum lane_state state = LANE_DEAD;
    uint32_t item = LANE_NONE, count = 0, looked = 0;
    for (size_t at = spans_before(lane, at_ns, true); at-- > 0 && looked++ < SNAPSHOT_SPANS_MAX;) {
        const struct span *span = &lane->spans[at];
        if (span->reach <= at_ns) break;
        if (span->end <= at_ns) continue;
        item = span->item;
        snapshot->span_since_ns = span->start;
        count++;
        if (span->state > state) state = (enum lane_state)span->state;
    }
    if (lane->queue == LANE_NONE) snapshot->call = item;
    else {
        snapshot->command = item;
        snapshot->running = count;
    }
    return state;
}

int lane_index_snapshot(const struct lane_index *index, uint32_t lane_number, uint64_t at_ns,
                        struct lane_snapshot *snapshot)
{
    memset(snapshot, 0, sizeof *snapshot);
    snapshot->wait_object = OBJECT_NONE;
    snapshot->call = snapshot->command = LANE_NONE;
    if (lane_number >= index->lane_count) return 0;
    const struct lane *lane = &index->lanes[lane_number];
    bool alive = at_ns >= lane->start_ns && at_ns < lane->end_ns;
    if (!alive) {
        snapshot->state = LANE_DEAD;
    } else if (lane->queue != LANE_NONE) {
        enum lane_state running = snapshot_spans(lane, at_ns, snapshot);
        snapshot->state = running != LANE_DEAD ? running : LANE_QUEUE_IDLE;
        return 0;
    } else {
        snapshot->state = snapshot_spans(lane, at_ns, snapshot) != LANE_DEAD ? LANE_OPENCL : LANE_RUNNING;
    }
    size_t checkpoint = checkpoints_before(lane, at_ns, true);
    if (checkpoint == 0) return 0;
    struct machine machine;
    machine_init(&machine);
    if (!machine_restore(&machine, lane, checkpoint - 1)) {
        machine_free(&machine);
        return -1;
    }
    struct decoder decoder;
    decoder_start(&decoder, lane, checkpoint - 1);
    struct lane_event event;
    while (decoder_next(&decoder, &event) && event.time_ns <= at_ns) {
        machine_apply(&machine, index->objects, event.op, event.object, event.time_ns);
        snapshot->has_event = 1;
        snapshot->last_event = event;
    }
    if (alive) {
        /* in an OpenCL call, the call shows, whatever the runtime does inside it */
        if (snapshot->state != LANE_OPENCL) snapshot->state = machine_state(&machine);
        snapshot->wait_state = (enum lane_state)machine.wait_state;
        snapshot->wait_object = machine.wait_object;
        snapshot->wait_op = machine.wait_op;
        snapshot->wait_since_ns = machine.wait_since;
        snapshot->held = machine.held; /* handed over */
        snapshot->held_count = machine.held_count;
        snapshot->held_unlisted = machine.unlisted;
        machine.held = NULL;
    }
    machine_free(&machine);
    return 0;
}

/* ---- marks ---- */

static bool mark_lane(const struct lane_index *index, struct lane *lane, uint32_t object)
{
    free(lane->mark_bits);
    lane->mark_bits = NULL;
    if (!lane->level_count) return true;
    lane->mark_bits = calloc((lane->bucket_count + 7) / 8, 1);
    if (!lane->mark_bits) return false;
    const struct summary_level *finest = &lane->levels[0];
    struct decoder decoder;
    struct lane_event event;
    if (lane->checkpoint_count) {
        decoder_start(&decoder, lane, 0);
        while (decoder_next(&decoder, &event)) {
            if (event.object != object) continue;
            uint64_t bucket = event.time_ns >> index->bucket_shift;
            if (bucket < finest->first) bucket = finest->first;
            if (bucket >= finest->first + finest->count) bucket = finest->first + finest->count - 1;
            uint64_t at = bucket - finest->first;
            lane->mark_bits[at >> 3] |= (uint8_t)(1u << (at & 7));
        }
    }
    for (unsigned level = 1; level < lane->level_count; level++) {
        const struct summary_level *below = &lane->levels[level - 1], *here = &lane->levels[level];
        for (uint64_t child = 0; child < below->count; child++) {
            if (!mark_bit(lane, below->offset + child)) continue;
            uint64_t at = here->offset + ((below->first + child) >> 1) - here->first;
            lane->mark_bits[at >> 3] |= (uint8_t)(1u << (at & 7));
        }
    }
    return true;
}

int lane_index_set_mark(struct lane_index *index, uint32_t object)
{
    index->mark = object;
    for (size_t thread = 0; thread < index->lane_count; thread++) {
        struct lane *lane = &index->lanes[thread];
        if (object == OBJECT_NONE) {
            free(lane->mark_bits);
            lane->mark_bits = NULL;
        } else if (!mark_lane(index, lane, object)) {
            lane_index_set_mark(index, OBJECT_NONE);
            return -1;
        }
    }
    return 0;
}
