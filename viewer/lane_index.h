/* The per-lane index the timeline draws from: one lane per thread, built in
 * one pass over the trace when the viewer opens it.
 *
 * Each lane keeps its events re-encoded compactly (a few bytes each: time
 * delta, operation, object id), with a checkpoint every LANE_BLOCK events
 * that holds the thread's state at that point (what it holds, what it waits
 * for), so that the state at any instant costs one binary search and at most
 * LANE_BLOCK decoded events. Above that, a multi-resolution summary: per
 * lane, per power-of-two bucket of time, which states the thread was in
 * during the bucket (one byte), so that drawing a zoomed-out view never
 * walks all events and still shows a brief wait. */
#ifndef SNAG_VIEWER_LANE_INDEX_H
#define SNAG_VIEWER_LANE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "objects.h"
#include "snag/reader.h"

/* What a thread is doing. Later states are more telling: a cell that
 * covers several shows the latest of them, however brief. */
enum lane_state {
    LANE_DEAD,         /* not alive (before its start, after its end) */
    LANE_RUNNING,      /* alive, holding no lock, not blocked */
    LANE_HOLDING,      /* holding at least one mutex, rwlock or spinlock */
    LANE_WAIT_COND,    /* blocked in a condition wait */
    LANE_WAIT_SEM,     /* blocked in a semaphore wait */
    LANE_WAIT_BARRIER, /* blocked at a barrier */
    LANE_WAIT_JOIN,    /* blocked joining a thread */
    LANE_WAIT_LOCK,    /* blocked acquiring a mutex, rwlock or spinlock */
    LANE_STATES
};

const char *lane_state_name(enum lane_state state);
/* One character per state, distinct without colour. */
char lane_state_glyph(enum lane_state state);
/* The state a wait on an object of this class puts a thread in. */
enum lane_state lane_state_of_wait(uint8_t object_class);

struct lane_event {
    uint64_t time_ns;
    uint64_t ordinal; /* its position among the thread's events (as snag_events_of_thread gives them) */
    uint32_t object;  /* object id (objects.h) */
    uint8_t op;       /* enum snag_op */
};

struct lane_held {
    uint32_t object;
    uint32_t depth; /* recursive or repeated read locks */
};

/* A thread's state at one instant: after every event at or before it. */
struct lane_snapshot {
    enum lane_state state;
    uint32_t wait_object;   /* OBJECT_NONE unless blocked */
    uint8_t wait_op;        /* SNAG_OP_WAIT or SNAG_OP_WAIT_SHARED */
    uint64_t wait_since_ns;
    struct lane_held *held; /* malloc'ed; lane_snapshot_clear frees it */
    size_t held_count;
    uint64_t held_unlisted; /* holds too many to keep at a checkpoint: counted, not named */
    int has_event;          /* the thread's last event at or before the instant: */
    struct lane_event last_event;
};

void lane_snapshot_clear(struct lane_snapshot *snapshot);

struct lane_index;

/* Walks every thread's events once. NULL with a message when out of memory. */
struct lane_index *lane_index_build(const struct snag_trace *trace, struct object_table *objects, char *error,
                                    size_t error_size);
void lane_index_free(struct lane_index *index);

size_t lane_index_lane_count(const struct lane_index *index);
/* Bytes of memory the index holds. */
size_t lane_index_bytes(const struct lane_index *index);
/* Width of the finest summary bucket. */
uint64_t lane_index_bucket_ns(const struct lane_index *index);
uint64_t lane_index_event_count(const struct lane_index *index, uint32_t lane);

/* The most telling state (the latest in enum lane_state) the thread was in
 * during each of `columns` slices of `ns_per_column` from `start_ns`, into
 * states[]; marked[] (if not NULL) gets 1 where the lane has an event on
 * the marked object (lane_index_set_mark). Drawn from the summary, a
 * slice's edges are exact to the finest bucket (lane_index_bucket_ns). */
void lane_index_columns(const struct lane_index *index, uint32_t lane, uint64_t start_ns, uint64_t ns_per_column,
                        size_t columns, uint8_t *states, uint8_t *marked);

/* Operations, for the searches below: LANE_OPS_ALL, or (1 << SNAG_OP_WAIT) | ... */
#define LANE_OPS_ALL 0xffffu
#define LANE_OPS_WAITS ((1u << SNAG_OP_WAIT) | (1u << SNAG_OP_WAIT_SHARED))

/* The lane's first event after `after_ns` / last event before `before_ns`
 * whose operation is in `ops`: 1, or 0 if none. */
int lane_index_next_event(const struct lane_index *index, uint32_t lane, uint64_t after_ns, unsigned ops,
                          struct lane_event *event);
int lane_index_previous_event(const struct lane_index *index, uint32_t lane, uint64_t before_ns, unsigned ops,
                              struct lane_event *event);
/* The same, between events of one instant: the first event after `at_ns`
 * or at it with an ordinal >= from_ordinal; the last event before `at_ns`
 * or at it with an ordinal < before_ordinal. */
int lane_index_event_from(const struct lane_index *index, uint32_t lane, uint64_t at_ns, uint64_t from_ordinal,
                          unsigned ops, struct lane_event *event);
int lane_index_event_before(const struct lane_index *index, uint32_t lane, uint64_t at_ns, uint64_t before_ordinal,
                            unsigned ops, struct lane_event *event);

/* The lane's last event on `object` with an operation in `ops` within
 * [from_ns, to_ns]: 1, 0 if there is none, -1 if none among the last
 * max_events events decoded (the search gave up: it stays cheap). */
int lane_index_last_on_object(const struct lane_index *index, uint32_t lane, uint32_t object, unsigned ops,
                              uint64_t from_ns, uint64_t to_ns, uint64_t max_events, struct lane_event *event);

/* The lane's state at `at_ns`. 0, or -1 when out of memory. */
int lane_index_snapshot(const struct lane_index *index, uint32_t lane, uint64_t at_ns, struct lane_snapshot *snapshot);

/* Marks the events on one object (OBJECT_NONE: none) for lane_index_columns.
 * 0, or -1 when out of memory (then nothing is marked). */
int lane_index_set_mark(struct lane_index *index, uint32_t object);
uint32_t lane_index_mark(const struct lane_index *index);

#endif
