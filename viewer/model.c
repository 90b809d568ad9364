/* The viewer's model (see model.h). */
#define _GNU_SOURCE
#include "model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/opencl.h"
#include "snag/text.h"

/* Zooming out stops once this much time fits on the screen. */
#define VIEW_LIMIT_NS (UINT64_C(1) << 60)
/* Replay starts by crossing the visible range in this many seconds. */
#define PLAY_SECONDS_PER_VIEW 10

/* The timeline's rows: a line per process with a shown lane, then its
 * shown lanes: its threads, then its OpenCL command queues. */
static void lay_out_rows(struct model *model)
{
    model->row_count = 0;
    size_t threads = snag_trace_thread_count(model->trace), lanes = model_lane_count(model);
    for (size_t process = 0; process < snag_trace_process_count(model->trace); process++) {
        const struct snag_process_info *info = snag_trace_process(model->trace, process);
        int header = 0;
        for (uint32_t lane = info->first_thread; lane < lanes; lane++) {
            if (lane == info->first_thread + info->thread_count) lane = (uint32_t)threads; /* on to the queues */
            if (lane >= lanes) break;
            if (model_lane_process(model, lane) != process || !model_lane_shown(model, lane)) continue;
            if (!header++) model->rows[model->row_count++] = (struct model_row){1, (uint32_t)process};
            model->rows[model->row_count++] = (struct model_row){0, lane};
        }
    }
    model->first_row = 0;
}

struct model *model_open(const char *path, char *error, size_t error_size)
{
    struct model *model = calloc(1, sizeof *model);
    if (!model || !(model->path = strdup(path))) {
        free(model);
        snprintf(error, error_size, "%s: out of memory", path);
        return NULL;
    }
    model->trace = snag_trace_open(path, error, error_size);
    if (!model->trace) {
        model_free(model);
        return NULL;
    }
    model->objects = object_table_new();
    if (!model->objects) {
        snprintf(error, error_size, "%s: out of memory", path);
        model_free(model);
        return NULL;
    }
    char index_error[256];
    model->lanes = lane_index_build(model->trace, model->objects, index_error, sizeof index_error);
    if (!model->lanes) {
        snprintf(error, error_size, "%s: %s", path, index_error);
        model_free(model);
        return NULL;
    }
    size_t processes = snag_trace_process_count(model->trace);
    model->rows = calloc(processes + model_lane_count(model) + 1, sizeof *model->rows);
    if (!model->rows) {
        snprintf(error, error_size, "%s: out of memory", path);
        model_free(model);
        return NULL;
    }
    lay_out_rows(model);
    model->ns_per_column = 1;
    model->view_columns = 1;
    model->fit_pending = 1;
    /* The cursor starts where the first thread does: the launcher's start is
     * earlier, when nothing is alive yet. */
    model->cursor_ns = model_end_ns(model);
    for (uint32_t lane = 0; lane < snag_trace_thread_count(model->trace); lane++)
        if (model_thread(model, lane)->start_ns < model->cursor_ns) model->cursor_ns = model_thread(model, lane)->start_ns;
    model->snapshot_ns = UINT64_MAX;
    return model;
}

static void clear_snapshots(struct model *model)
{
    if (model->snapshots)
        for (size_t lane = 0; lane < model_lane_count(model); lane++) lane_snapshot_clear(&model->snapshots[lane]);
    model->snapshots_valid = 0;
}

void model_free(struct model *model)
{
    if (!model) return;
    clear_snapshots(model);
    free(model->snapshots);
    for (size_t index = 0; index < model->object_label_count; index++) free(model->object_labels[index]);
    free(model->object_labels);
    snag_lockstats_free(model->lockstats);
    snag_names_free(model->names);
    free(model->rows);
    lane_index_free(model->lanes);
    object_table_free(model->objects);
    snag_trace_close(model->trace);
    free(model->path);
    free(model);
}

uint64_t model_end_ns(const struct model *model) { return snag_trace_end_ns(model->trace); }
size_t model_lane_count(const struct model *model) { return lane_index_lane_count(model->lanes); }

const struct snag_thread_info *model_thread(const struct model *model, uint32_t lane)
{
    return lane < snag_trace_thread_count(model->trace) ? snag_trace_thread(model->trace, lane) : NULL;
}

const struct snag_opencl_queue *model_queue(const struct model *model, uint32_t lane)
{
    uint32_t queue = lane_index_queue(model->lanes, lane);
    return queue != LANE_NONE ? snag_opencl_queue(snag_trace_opencl(model->trace), queue) : NULL;
}

uint32_t model_lane_process(const struct model *model, uint32_t lane)
{
    const struct snag_thread_info *thread = model_thread(model, lane);
    if (thread) return thread->process;
    const struct snag_opencl_queue *queue = model_queue(model, lane);
    return queue ? queue->process : UINT32_MAX;
}

/* ---- time range and cursor ---- */

static uint64_t fit_ns_per_column(const struct model *model)
{
    uint64_t end = model_end_ns(model), columns = model->view_columns ? model->view_columns : 1;
    if (end > VIEW_LIMIT_NS) end = VIEW_LIMIT_NS;
    uint64_t per_column = (end + columns - 1) / columns;
    return per_column ? per_column : 1;
}

uint64_t model_view_end_ns(const struct model *model)
{
    return model->view_start_ns + model->view_columns * model->ns_per_column;
}

static void clamp_view(struct model *model)
{
    uint64_t limit = fit_ns_per_column(model);
    if (model->ns_per_column > limit) model->ns_per_column = limit;
    if (model->ns_per_column == 0) model->ns_per_column = 1;
    if (model->view_start_ns > model_end_ns(model)) model->view_start_ns = model_end_ns(model);
}

void model_set_columns(struct model *model, size_t columns)
{
    model->view_columns = columns ? columns : 1;
    if (model->fit_pending) {
        model->fit_pending = 0;
        model_fit(model);
    }
    clamp_view(model);
}

void model_fit(struct model *model)
{
    model->ns_per_column = fit_ns_per_column(model);
    model->view_start_ns = 0;
}

void model_zoom(struct model *model, int zoom_in)
{
    uint64_t cursor = model->cursor_ns;
    /* The cursor keeps its column (the middle one if it is off screen). */
    uint64_t column = model->view_columns / 2;
    if (cursor >= model->view_start_ns && cursor <= model_view_end_ns(model))
        column = (cursor - model->view_start_ns) / model->ns_per_column;
    if (column >= model->view_columns) column = model->view_columns - 1;
    if (zoom_in) model->ns_per_column = model->ns_per_column > 1 ? model->ns_per_column / 2 : 1;
    else model->ns_per_column *= 2;
    clamp_view(model);
    uint64_t before = column * model->ns_per_column + model->ns_per_column / 2;
    model->view_start_ns = cursor > before ? cursor - before : 0;
    clamp_view(model);
}

void model_set_cursor(struct model *model, uint64_t time_ns)
{
    uint64_t end = model_end_ns(model);
    model->on_event = 0;
    model->cursor_ns = time_ns < end ? time_ns : end;
    /* (the view's end is in sight: the last column ends there) */
    if (model->cursor_ns < model->view_start_ns || model->cursor_ns > model_view_end_ns(model)) {
        uint64_t half = model->view_columns / 2 * model->ns_per_column;
        model->view_start_ns = model->cursor_ns > half ? model->cursor_ns - half : 0;
        /* ... on a column boundary, so that the view's columns stay put */
        model->view_start_ns -= model->view_start_ns % model->ns_per_column;
        clamp_view(model);
    }
}

static uint64_t add_signed(uint64_t value, long columns, uint64_t per_column)
{
    uint64_t step = (uint64_t)(columns < 0 ? -columns : columns) * per_column;
    if (columns < 0) return value > step ? value - step : 0;
    return value + step < value ? UINT64_MAX : value + step;
}

void model_move_cursor_columns(struct model *model, long columns)
{
    model_set_cursor(model, add_signed(model->cursor_ns, columns, model->ns_per_column));
}

void model_pan(struct model *model, long columns)
{
    model->view_start_ns = add_signed(model->view_start_ns, columns, model->ns_per_column);
    clamp_view(model);
    uint64_t end = model_end_ns(model), cursor = add_signed(model->cursor_ns, columns, model->ns_per_column);
    model->on_event = 0;
    model->cursor_ns = cursor < end ? cursor : end;
    if (model->cursor_ns < model->view_start_ns) model->cursor_ns = model->view_start_ns;
}

void model_select_lane(struct model *model, uint32_t lane)
{
    if (lane < model_lane_count(model)) model->selected_lane = lane;
}

void model_select_shown_lane(struct model *model, size_t position)
{
    for (size_t row = 0; row < model->row_count; row++)
        if (!model->rows[row].is_process && position-- == 0) {
            model->selected_lane = model->rows[row].index;
            return;
        }
}

/* The selected lane's row, or -1 if it is not shown. */
static long selected_row(const struct model *model)
{
    for (size_t row = 0; row < model->row_count; row++)
        if (!model->rows[row].is_process && model->rows[row].index == model->selected_lane) return (long)row;
    return -1;
}

void model_move_lane(struct model *model, long delta)
{
    /* in the timeline's order, over the process lines */
    long rows = (long)model->row_count, row = selected_row(model), step = delta < 0 ? -1 : 1;
    if (row < 0) return;
    for (long moved = 0, at = row + step; moved < (delta < 0 ? -delta : delta) && at >= 0 && at < rows; at += step)
        if (!model->rows[at].is_process) {
            row = at;
            moved++;
        }
    model->selected_lane = model->rows[row].index;
}

int model_text_matches(const struct model *model, const char *text)
{
    return model->search[0] && strcasestr(text, model->search) != NULL;
}

int model_lane_matches(const struct model *model, uint32_t lane)
{
    char label[512];
    return model_text_matches(model, model_lane_label(model, lane, label, sizeof label));
}

int model_lane_shown(const struct model *model, uint32_t lane)
{
    switch (model->filter) {
    case FILTER_MATCHES: return model_lane_matches(model, lane);
    case FILTER_PROCESS: return model_lane_process(model, lane) == model->filter_process;
    default: return 1;
    }
}

size_t model_shown_lane_count(const struct model *model)
{
    size_t shown = 0;
    for (uint32_t lane = 0; lane < model_lane_count(model); lane++) shown += model_lane_shown(model, lane) != 0;
    return shown;
}

int model_set_filter(struct model *model, enum model_filter filter)
{
    enum model_filter before = model->filter;
    uint32_t before_process = model->filter_process;
    model->filter = filter;
    if (model_lane_count(model)) model->filter_process = model_lane_process(model, model->selected_lane);
    if (!model_shown_lane_count(model)) {
        model->filter = before;
        model->filter_process = before_process;
        return 0;
    }
    lay_out_rows(model);
    if (!model_lane_shown(model, model->selected_lane)) model->selected_lane = model->rows[1].index; /* the first shown */
    return 1;
}

void model_set_search(struct model *model, const char *search)
{
    snprintf(model->search, sizeof model->search, "%s", search);
    /* a filter by matches that would show nothing is lifted */
    if (model->filter == FILTER_MATCHES && !model_set_filter(model, FILTER_MATCHES)) model_set_filter(model, FILTER_NONE);
}

int model_find_lane(struct model *model, int direction)
{
    /* in the timeline's order, wrapping around */
    long rows = (long)model->row_count, from = selected_row(model);
    if (from < 0) from = 0;
    for (long step = direction == 0 ? 0 : 1; rows > 0 && step <= rows; step++) {
        long row = (from + (direction < 0 ? -step : step)) % rows;
        if (row < 0) row += rows;
        if (!model->rows[row].is_process && model_lane_matches(model, model->rows[row].index)) {
            model->selected_lane = model->rows[row].index;
            return 1;
        }
    }
    return 0;
}

/* The lane's nearest event beyond the cursor's position in (time, lane,
 * ordinal) order. A cursor put on a bare time (a click, a pan) steps to
 * events strictly later or earlier than it. */
static int step_on_lane(const struct model *model, uint32_t lane, int direction, unsigned ops,
                        struct lane_event *event)
{
    uint64_t at = model->cursor_ns;
    if (direction > 0) {
        uint64_t from = UINT64_MAX; /* off an event: strictly later */
        if (model->on_event) from = lane > model->event_lane ? 0 : lane == model->event_lane ? model->event_ordinal + 1 : UINT64_MAX;
        return lane_index_event_from(model->lanes, lane, at, from, ops, event);
    }
    uint64_t before = 0; /* off an event: strictly earlier */
    if (model->on_event) before = lane < model->event_lane ? UINT64_MAX : lane == model->event_lane ? model->event_ordinal : 0;
    return lane_index_event_before(model->lanes, lane, at, before, ops, event);
}

static void step_to(struct model *model, uint32_t lane, const struct lane_event *event)
{
    model_set_cursor(model, event->time_ns);
    model->on_event = 1;
    model->event_lane = lane;
    model->event_ordinal = event->ordinal;
}

int model_step_lane(struct model *model, int direction, unsigned ops)
{
    struct lane_event event;
    int found = step_on_lane(model, model->selected_lane, direction, ops, &event);
    if (found) step_to(model, model->selected_lane, &event);
    return found;
}

int model_step_any(struct model *model, int direction)
{
    int found = 0;
    uint32_t best_lane = 0;
    struct lane_event best = {0};
    for (uint32_t lane = 0; lane < model_lane_count(model); lane++) {
        struct lane_event event;
        if (!step_on_lane(model, lane, direction, LANE_OPS_ALL, &event)) continue;
        /* lanes come in order: a tie in time goes to the first lane forwards, the last backwards */
        if (!found || (direction > 0 ? event.time_ns < best.time_ns : event.time_ns >= best.time_ns)) {
            best = event;
            best_lane = lane;
        }
        found = 1;
    }
    if (found) {
        step_to(model, best_lane, &best);
        model_select_lane(model, best_lane);
    }
    return found;
}

/* ---- replay ---- */

void model_play_toggle(struct model *model)
{
    model->playing = !model->playing;
    if (!model->playing) return;
    if (!model->play_ns_per_second) {
        uint64_t span = model->view_columns * model->ns_per_column / PLAY_SECONDS_PER_VIEW;
        model->play_ns_per_second = span ? span : 1;
    }
    if (model->cursor_ns >= model_end_ns(model)) model_set_cursor(model, 0);
}

void model_play_speed(struct model *model, int faster)
{
    if (!model->play_ns_per_second) {
        uint64_t span = model->view_columns * model->ns_per_column / PLAY_SECONDS_PER_VIEW;
        model->play_ns_per_second = span ? span : 1;
    }
    if (faster) {
        if (model->play_ns_per_second < VIEW_LIMIT_NS) model->play_ns_per_second *= 2;
    } else if (model->play_ns_per_second > 1) {
        model->play_ns_per_second /= 2;
    }
}

void model_play_advance(struct model *model, uint64_t wall_ns)
{
    if (!model->playing) return;
    unsigned __int128 step = (unsigned __int128)wall_ns * model->play_ns_per_second / 1000000000u;
    uint64_t end = model_end_ns(model);
    uint64_t cursor = step >= end - model->cursor_ns ? end : model->cursor_ns + (uint64_t)step;
    if (cursor >= end) model->playing = 0;
    model_set_cursor(model, cursor);
}

/* ---- names ---- */

struct snag_names *model_names(struct model *model)
{
    if (!model->names) model->names = snag_names_new(model->trace);
    return model->names;
}

char *model_lane_label(const struct model *model, uint32_t lane, char *out, size_t size)
{
    const struct snag_thread_info *thread = model_thread(model, lane);
    const struct snag_opencl_queue *queue = model_queue(model, lane);
    if (queue) {
        /* "queue 2 pthread-Intel(R) Xeon(R)": numbered as snag report and export do */
        char device[256];
        snag_text_sanitize(queue->device_name ? queue->device_name : "", device, sizeof device);
        snprintf(out, size, "queue %u %s", lane_index_queue(model->lanes, lane) + 1, device[0] ? device : "(device unknown)");
        return out;
    }
    if (!thread) {
        snprintf(out, size, "?");
        return out;
    }
    char name[256];
    snag_text_sanitize(thread->name, name, sizeof name);
    if (name[0]) snprintf(out, size, "%d %s", thread->tid, name);
    else snprintf(out, size, "%d", thread->tid);
    return out;
}

char *model_process_label(const struct model *model, uint32_t process, char *out, size_t size)
{
    const struct snag_process_info *info = snag_trace_process(model->trace, process);
    size_t used = (size_t)snprintf(out, size, "pid %d", info->pid);
    uint32_t shown = info->argc ? info->argc : 1;
    for (uint32_t arg = 0; arg < shown && used + 2 < size; arg++) {
        char safe[512];
        snag_text_sanitize(info->argc ? info->argv[arg] : info->exe, safe, sizeof safe);
        used += (size_t)snprintf(out + used, size - used, " %s", safe);
    }
    return out;
}

const char *model_site_text(struct model *model, uint32_t process, uint64_t site, char *out, size_t size)
{
    struct snag_names *names = model_names(model);
    if (!names) {
        snprintf(out, size, "0x%" PRIx64, site);
        return out;
    }
    return snag_names_site_text(names, process, site, out, size);
}

const char *model_lock_label(struct model *model, const struct snag_lock_stats *lock, char *out, size_t size)
{
    struct snag_names *names = model_names(model);
    if (names) return snag_names_lock_label(names, lock, out, size);
    snprintf(out, size, "%s at 0x%" PRIx64, snag_class_name(lock->object_class), lock->address);
    return out;
}

const char *model_operation_text(uint8_t object_class, uint8_t op, const uint16_t *aux, char *out, size_t size)
{
    static const char *const ops[16] = {"init",    "destroy", "acquire", "acquire (read)", "wait",   "wait (read)",
                                        "failed",  "try: busy", "release", "signal",       "broadcast", "wake",
                                        "attribute", "start",  "exit",    "create"};
    const char *name = ops[op & 0xf];
    if (object_class == SNAG_CLASS_THREAD) {
        switch (op) {
        case SNAG_OP_WAIT: name = "join: wait"; break;
        case SNAG_OP_ACQUIRE: name = "join: done"; break;
        case SNAG_OP_RELEASE: name = "detach"; break;
        default: break;
        }
    } else if (object_class == SNAG_CLASS_SEM) {
        if (op == SNAG_OP_RELEASE) name = "post";
        if (op == SNAG_OP_ACQUIRE) name = "take";
    }
    size_t used = (size_t)snprintf(out, size, "%s %s", snag_class_name(object_class), name);
    if (!aux) return out; /* not known (the lane index keeps no aux) */
    switch (op) {
    case SNAG_OP_FAILED:
        if (*aux == SNAG_AUX_CANCELLED) snprintf(out + used, size - used, ": cancelled");
        else snprintf(out + used, size - used, ": %s", strerror(*aux));
        break;
    case SNAG_OP_WAKE: snprintf(out + used, size - used, " (returned %u)", *aux); break;
    case SNAG_OP_ATTRIBUTE: snprintf(out + used, size - used, " 0x%x", *aux); break;
    case SNAG_OP_EXIT: {
        static const char *const how[] = {"returned", "pthread_exit", "cancelled", "process exit"};
        snprintf(out + used, size - used, " (%s)", *aux < 4 ? how[*aux] : "?");
        break;
    }
    default: break;
    }
    return out;
}

char *model_time_text(uint64_t ns, char *out, size_t size)
{
    return snag_text_duration(ns, out, size);
}

static char *make_object_label(struct model *model, uint32_t id)
{
    const struct view_object *object = object_table_at(model->objects, id);
    char label[512];
    if (!object) return strdup("?");
    if (object->object_class == SNAG_CLASS_THREAD) {
        uint64_t when = object->first_use_ns != UINT64_MAX ? object->first_use_ns : 0;
        uint32_t lane = model_lane_of_pthread(model, object->process, object->address, when);
        char thread[300];
        if (lane != UINT32_MAX) snprintf(label, sizeof label, "thread %s", model_lane_label(model, lane, thread, sizeof thread));
        else snprintf(label, sizeof label, "thread 0x%" PRIx64, object->address);
        return strdup(label);
    }
    struct snag_lock_stats lock = {
        .process = object->process,
        .object_class = object->object_class,
        .address = object->address,
        .init_site = object->init_site,
        .first_site = object->first_site,
    };
    struct snag_names *names = model_names(model);
    if (names) snag_names_lock_label(names, &lock, label, sizeof label);
    else snprintf(label, sizeof label, "%s at 0x%" PRIx64, snag_class_name(object->object_class), object->address);
    return strdup(label);
}

const char *model_object_label(struct model *model, uint32_t object)
{
    if (object == OBJECT_NONE || object >= object_table_count(model->objects)) return "?";
    if (object >= model->object_label_count) {
        size_t count = object_table_count(model->objects);
        char **bigger = realloc(model->object_labels, count * sizeof *bigger);
        if (!bigger) return "?";
        memset(bigger + model->object_label_count, 0, (count - model->object_label_count) * sizeof *bigger);
        model->object_labels = bigger;
        model->object_label_count = count;
    }
    if (!model->object_labels[object]) model->object_labels[object] = make_object_label(model, object);
    return model->object_labels[object] ? model->object_labels[object] : "?";
}

/* ---- locks ---- */

const struct snag_lockstats *model_lockstats(struct model *model)
{
    if (!model->lockstats) model->lockstats = snag_lockstats_compute(model->trace);
    return model->lockstats;
}

uint32_t model_lock_object(const struct model *model, const struct snag_lock_stats *lock)
{
    return object_table_find(model->objects, lock->process, lock->object_class, lock->address);
}

void model_set_mark(struct model *model, uint32_t object)
{
    lane_index_set_mark(model->lanes, object);
}

uint32_t model_mark(const struct model *model) { return lane_index_mark(model->lanes); }

/* ---- the instant under the cursor ---- */

const struct lane_snapshot *model_snapshots(struct model *model)
{
    size_t lanes = model_lane_count(model);
    if (model->snapshots_valid && model->snapshot_ns == model->cursor_ns) return model->snapshots;
    clear_snapshots(model);
    if (!model->snapshots) {
        model->snapshots = calloc(lanes ? lanes : 1, sizeof *model->snapshots);
        if (!model->snapshots) return NULL;
    }
    for (uint32_t lane = 0; lane < lanes; lane++)
        if (lane_index_snapshot(model->lanes, lane, model->cursor_ns, &model->snapshots[lane])) {
            clear_snapshots(model);
            return NULL;
        }
    model->snapshot_ns = model->cursor_ns;
    model->snapshots_valid = 1;
    return model->snapshots;
}

uint32_t model_lane_of_pthread(const struct model *model, uint32_t process, uint64_t pthread_self, uint64_t at_ns)
{
    const struct snag_process_info *info = snag_trace_process(model->trace, process);
    if (!info) return UINT32_MAX;
    uint32_t best = UINT32_MAX;
    for (uint32_t local = 0; local < info->thread_count; local++) {
        const struct snag_thread_info *thread = model_thread(model, info->first_thread + local);
        if (thread->pthread_self != pthread_self) continue;
        if (thread->start_ns <= at_ns && at_ns < thread->end_ns) return thread->index;
        /* pthread_t values are reused: else the last one started before */
        if (thread->start_ns <= at_ns || best == UINT32_MAX) best = thread->index;
    }
    return best;
}
