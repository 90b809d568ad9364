/* What every screen looks at: the opened trace, its lane index, and where
 * the user is (cursor time, visible time range, selected lane, marked lock).
 * Screens read and move it; none of them owns it. */
#ifndef SNAG_VIEWER_MODEL_H
#define SNAG_VIEWER_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "lane_index.h"
#include "objects.h"
#include "snag/lockstats.h"
#include "snag/names.h"
#include "snag/reader.h"

/* The timeline's rows: a header line per process, then a lane per thread
 * and one per OpenCL command queue of the process. */
struct model_row {
    int is_process;
    uint32_t index; /* process index, or lane index (lane_index.h: threads, then queues) */
};

/* Which lanes the timeline shows. */
enum model_filter {
    FILTER_NONE,
    FILTER_MATCHES, /* lanes matching the search */
    FILTER_PROCESS, /* lanes of one process */
};

struct model {
    char *path;
    struct snag_trace *trace;
    struct object_table *objects;
    struct lane_index *lanes;
    struct model_row *rows;
    size_t row_count;

    uint64_t cursor_ns;
    /* The event the cursor was stepped onto (several can share its
     * nanosecond): stepping goes on from it in (time, lane, ordinal) order. */
    int on_event;
    uint32_t event_lane;
    uint64_t event_ordinal;
    uint64_t view_start_ns;
    uint64_t ns_per_column;
    size_t view_columns; /* set by the timeline when it lays itself out */
    int fit_pending;     /* fit the whole trace once the width is known */
    uint32_t selected_lane;
    size_t first_row;    /* the timeline's vertical scroll */

    char search[128];    /* what `/` looks for ("" none): in lane labels and lock labels, ignoring case */
    enum model_filter filter;
    uint32_t filter_process;

    int playing;
    uint64_t play_ns_per_second; /* trace time per second of wall time */

    /* filled on first use */
    struct snag_names *names;
    struct snag_lockstats *lockstats;
    char **object_labels;
    size_t object_label_count;
    struct lane_snapshot *snapshots; /* every lane at snapshot_ns */
    uint64_t snapshot_ns;
    int snapshots_valid;
};

/* Opens the trace and indexes it, before anything touches the terminal.
 * NULL with the reader's one-line message in `error`. */
struct model *model_open(const char *path, char *error, size_t error_size);
void model_free(struct model *model);

uint64_t model_end_ns(const struct model *model);
/* Lanes: the threads (lane = thread index), then the OpenCL command queues. */
size_t model_lane_count(const struct model *model);
/* The thread a lane shows, NULL for a queue's lane. */
const struct snag_thread_info *model_thread(const struct model *model, uint32_t lane);
/* The OpenCL command queue a lane shows, NULL for a thread's lane. */
struct snag_opencl_queue;
const struct snag_opencl_queue *model_queue(const struct model *model, uint32_t lane);
/* The process (index) a lane belongs to. */
uint32_t model_lane_process(const struct model *model, uint32_t lane);

/* The visible time range and the cursor. */
void model_set_columns(struct model *model, size_t columns);
void model_fit(struct model *model);
void model_zoom(struct model *model, int zoom_in);
void model_set_cursor(struct model *model, uint64_t time_ns); /* scrolls the view to show it */
void model_move_cursor_columns(struct model *model, long columns);
void model_pan(struct model *model, long columns);
uint64_t model_view_end_ns(const struct model *model);

void model_select_lane(struct model *model, uint32_t lane);
/* Selects the lane shown `position`th (0 = first) in the timeline's order. */
void model_select_shown_lane(struct model *model, size_t position);
/* Moves the selection `delta` shown lanes down (up if negative). */
void model_move_lane(struct model *model, long delta);

/* Search: 1 when `text` contains the search (ignoring case); 0 without a search. */
int model_text_matches(const struct model *model, const char *text);
/* Sets the search (a filter by matches follows it). */
void model_set_search(struct model *model, const char *search);
int model_lane_matches(const struct model *model, uint32_t lane);
/* Selects the next (direction > 0), previous (< 0) shown lane that matches,
 * wrapping around, or the first from the selected one on (0). 1 if found. */
int model_find_lane(struct model *model, int direction);
/* Shows only some lanes (FILTER_PROCESS: the selected lane's process). 1,
 * or 0 when no lane would be left (then nothing changes). */
int model_set_filter(struct model *model, enum model_filter filter);
int model_lane_shown(const struct model *model, uint32_t lane);
size_t model_shown_lane_count(const struct model *model);
/* Moves the cursor to the next (direction > 0) or previous event on the
 * selected lane (of the operations in ops: LANE_OPS_ALL, LANE_OPS_WAITS) /
 * on any lane, in (time, lane, ordinal) order: events of one nanosecond are
 * each visited. Stepping on any lane selects the event's lane. 1 if it moved. */
int model_step_lane(struct model *model, int direction, unsigned ops);
int model_step_any(struct model *model, int direction);

void model_play_toggle(struct model *model);
void model_play_speed(struct model *model, int faster);
/* Advances a playing cursor by wall_ns of wall time; stops at the end. */
void model_play_advance(struct model *model, uint64_t wall_ns);

/* The names module (symbols), made on first use; NULL if out of memory. */
struct snag_names *model_names(struct model *model);
/* Names, sanitised for display. */
const char *model_object_label(struct model *model, uint32_t object);
char *model_lane_label(const struct model *model, uint32_t lane, char *out, size_t size);
char *model_process_label(const struct model *model, uint32_t process, char *out, size_t size);
const char *model_lock_label(struct model *model, const struct snag_lock_stats *lock, char *out, size_t size);
const char *model_site_text(struct model *model, uint32_t process, uint64_t site, char *out, size_t size);
/* "mutex acquire", "sem post", "cond wake (returned 0)": an operation on an
 * object of a class; aux (FAILED, WAKE, ATTRIBUTE, EXIT) NULL when not known. */
const char *model_operation_text(uint8_t object_class, uint8_t op, const uint16_t *aux, char *out, size_t size);
/* Time as "12.3 ms". */
char *model_time_text(uint64_t ns, char *out, size_t size);

/* Lock statistics (`snag report`'s figures), computed on first use; NULL if out of memory. */
const struct snag_lockstats *model_lockstats(struct model *model);
uint32_t model_lock_object(const struct model *model, const struct snag_lock_stats *lock);

/* Marks one object's events on the timeline (OBJECT_NONE: none). */
void model_set_mark(struct model *model, uint32_t object);
uint32_t model_mark(const struct model *model);

/* Every lane's state at the cursor (cached until the cursor moves); NULL if out of memory. */
const struct lane_snapshot *model_snapshots(struct model *model);
/* The lane of the thread whose pthread_t is `pthread_self` in `process`
 * alive at `at_ns` (or the last one started before), or UINT32_MAX. */
uint32_t model_lane_of_pthread(const struct model *model, uint32_t process, uint64_t pthread_self, uint64_t at_ns);

#endif
