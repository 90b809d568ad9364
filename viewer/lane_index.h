/* The per-lane index the timeline draws from: one lane per thread, then
 * one per OpenCL command queue, built in one pass over the trace when the
 * viewer opens it.
 *
 * Each lane keeps its events re-encoded compactly (a few bytes each: time
 * delta, operation, object id), with a checkpoint every LANE_BLOCK events
 * that holds the thread's state at that point (what it holds, what it waits
 * for), so that the state at any instant costs one binary search and at most
 * LANE_BLOCK decoded events. Above that, a multi-resolution summary: per
 * lane, per power-of-two bucket of time, which states the thread was in
 * during the bucket (one byte), so that drawing a zoomed-out view never
 * walks all events and still shows a brief wait.
 *
 * OpenCL: a thread's API calls and a queue's device commands are spans of
 * time laid over the lane (a thread in a call shows the call, whatever the
 * runtime does inside it; a queue is idle between its commands). Their
 * starts and ends are events too (LANE_OP_CALL ... below), so that stepping
 * visits them; their ordinals are LANE_SPAN_ORDINAL and up, after any
 * thread event of the same nanosecond. */
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
    LANE_OPENCL,       /* in an OpenCL API call */
    LANE_WAIT_COND,    /* blocked in a condition wait */
    LANE_WAIT_SEM,     /* blocked in a semaphore wait */
    LANE_WAIT_BARRIER, /* blocked at a barrier */
    LANE_WAIT_JOIN,    /* blocked joining a thread */
    LANE_WAIT_LOCK,    /* blocked acquiring a mutex, rwlock or spinlock */
    /* an OpenCL command queue's lane */
    LANE_QUEUE_IDLE,      /* nothing of the queue's runs on the device */
    LANE_DEVICE_OTHER,    /* the device runs another command of it (marker, barrier, ...) */
    LANE_DEVICE_TRANSFER, /* ... moves data (read, write, copy, map, fill) */
    LANE_DEVICE_KERNEL,   /* ... runs a kernel */
    LANE_STATES
};

const char *lane_state_name(enum lane_state state);
/* One character per state, distinct without colour. */
char lane_state_glyph(enum lane_state state);
/* The state a wait on an object of this class puts a thread in. */
enum lane_state lane_state_of_wait(uint8_t object_class);
/* The state a device command of this type (CL_COMMAND_*) puts its queue in. */
enum lane_state lane_state_of_command(uint32_t command_type);

/* Events of OpenCL spans, after enum snag_op's 16 operations. */
enum {
    LANE_OP_CALL = 16,      /* a thread enters an OpenCL call (item: the call) */
    LANE_OP_CALL_WAITS,     /* ... one in which it waits for the device (SNAG_OPENCL_WAITS) */
    LANE_OP_CALL_END,       /* ... returns from it */
    LANE_OP_COMMAND,        /* a device command of a queue starts (item: the command) */
    LANE_OP_COMMAND_END,    /* ... ends */
};
#define LANE_SPAN_ORDINAL (UINT64_C(1) << 62)
#define LANE_NONE UINT32_MAX

struct lane_event {
    uint64_t time_ns;
    uint64_t ordinal; /* its position among the thread's events (as snag_events_of_thread gives them) */
    uint32_t object;  /* object id (objects.h), OBJECT_NONE for a span's event */
    uint32_t item;    /* a span's event: index of its call or command in the OpenCL log (snag/opencl.h) */
    uint8_t op;       /* enum snag_op, or LANE_OP_* */
};

struct lane_held {
    uint32_t object;
    uint32_t depth; /* recursive or repeated read locks */
};

/* A thread's state at one instant: after every event at or before it. */
struct lane_snapshot {
    enum lane_state state;  /* what the timeline shows */
    enum lane_state wait_state; /* what the thread's wait alone makes it (LANE_DEAD if not blocked): inside an OpenCL call, state is LANE_OPENCL */
    uint32_t wait_object;   /* OBJECT_NONE unless blocked */
    uint8_t wait_op;        /* SNAG_OP_WAIT or SNAG_OP_WAIT_SHARED */
    uint64_t wait_since_ns;
    struct lane_held *held; /* malloc'ed; lane_snapshot_clear frees it */
    size_t held_count;
    uint64_t held_unlisted; /* holds too many to keep at a checkpoint: counted, not named */
    int has_event;          /* the thread's last event at or before the instant: */
    struct lane_event last_event;
    uint32_t call;          /* a thread's OpenCL call in progress (index in the OpenCL log), LANE_NONE if none */
    uint32_t command;       /* a queue's command running on the device (the earliest started), LANE_NONE if none */
    uint32_t running;       /* a queue's commands running at once */
    uint64_t span_since_ns; /* when that call or command began */
};

void lane_snapshot_clear(struct lane_snapshot *snapshot);

struct lane_index;

/* Walks every thread's events once. NULL with a message when out of memory. */
struct lane_index *lane_index_build(const struct snag_trace *trace, struct object_table *objects, char *error,
                                    size_t error_size);
void lane_index_free(struct lane_index *index);

/* Lanes: the trace's threads (lane = thread index), then its queues. */
size_t lane_index_lane_count(const struct lane_index *index);
/* The queue (index in the OpenCL log) a lane shows, LANE_NONE for a thread's lane. */
uint32_t lane_index_queue(const struct lane_index *index, uint32_t lane);
/* The OpenCL calls (a thread's lane) or device commands (a queue's) on the lane. */
uint64_t lane_index_span_count(const struct lane_index *index, uint32_t lane);
/* The call or command (index in the OpenCL log) of the lane's span at
 * `position` (by start; a span event's is (ordinal - LANE_SPAN_ORDINAL) / 2),
 * LANE_NONE past the last. */
uint32_t lane_index_span_item(const struct lane_index *index, uint32_t lane, uint64_t position);
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

/* Operations, for the searches below: LANE_OPS_ALL, or (1 << SNAG_OP_WAIT) | ...
 * LANE_OPS_THREAD: the thread's own events (as snag_events_of_thread gives
 * them), no span's. LANE_OPS_WAITS: where the thread starts to block. */
#define LANE_OPS_ALL 0x1fffffu
#define LANE_OPS_THREAD 0xffffu
#define LANE_OPS_WAITS ((1u << SNAG_OP_WAIT) | (1u << SNAG_OP_WAIT_SHARED) | (1u << LANE_OP_CALL_WAITS))

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
