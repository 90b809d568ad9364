/* The state panel (see state_panel.h). */
#include "state_panel.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/format.h"
#include "snag/opencl.h"
#include "snag/text.h"

const char *state_panel_legend(const struct model *model)
{
    const struct snag_opencl_log *log = snag_trace_opencl(model->trace);
    if (snag_opencl_queue_count(log) || snag_opencl_call_count(log))
        return "- run  = hold  # lock wait  ~ cond  : sem  ^ barrier  . join  @ OpenCL call  "
               "queues: _ idle  K kernel  T transfer  o other command  * marked";
    return "- run  = hold  # lock wait  ~ cond  : sem  ^ barrier  . join  * marked";
}

/* Who holds what at the cursor: (object, lane) pairs sorted by object, so
 * that finding a lock's holders does not walk every lane for every waiter. */
struct holder {
    uint32_t object, lane;
};

struct holders {
    struct holder *pairs;
    size_t count;
};

static int compare_holders(const void *left, const void *right)
{
    const struct holder *a = left, *b = right;
    if (a->object != b->object) return a->object < b->object ? -1 : 1;
    return a->lane < b->lane ? -1 : a->lane > b->lane;
}

static int collect_holders(const struct lane_snapshot *snapshots, size_t lanes, struct holders *holders)
{
    size_t count = 0;
    for (size_t lane = 0; lane < lanes; lane++) count += snapshots[lane].held_count;
    holders->count = 0;
    holders->pairs = malloc((count ? count : 1) * sizeof *holders->pairs);
    if (!holders->pairs) return -1;
    for (uint32_t lane = 0; lane < lanes; lane++)
        for (size_t held = 0; held < snapshots[lane].held_count; held++)
            holders->pairs[holders->count++] = (struct holder){snapshots[lane].held[held].object, lane};
    if (holders->count > 1) qsort(holders->pairs, holders->count, sizeof *holders->pairs, compare_holders);
    return 0;
}

/* Who the thread waits for: the lanes holding the lock it wants, or the
 * thread it joins. Returns how many were written to out. */
static size_t waited_for(struct model *model, const struct lane_snapshot *snapshots, const struct holders *holders,
                         uint32_t lane, uint32_t *out, size_t room)
{
    const struct lane_snapshot *waiter = &snapshots[lane];
    if (waiter->wait_object == OBJECT_NONE || room == 0) return 0;
    const struct view_object *object = object_table_at(model->objects, waiter->wait_object);
    if (!object) return 0;
    size_t count = 0;
    if (object->object_class == SNAG_CLASS_THREAD) {
        uint32_t joined = model_lane_of_pthread(model, object->process, object->address, model->cursor_ns);
        if (joined != UINT32_MAX) out[count++] = joined;
        return count;
    }
    if (waiter->wait_state != LANE_WAIT_LOCK) return 0; /* condvars, semaphores and barriers have no owner */
    size_t low = 0, high = holders->count; /* the first pair of the object */
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (holders->pairs[middle].object < waiter->wait_object) low = middle + 1;
        else high = middle;
    }
    for (size_t at = low; at < holders->count && holders->pairs[at].object == waiter->wait_object && count < room; at++)
        if (holders->pairs[at].lane != lane) out[count++] = holders->pairs[at].lane;
    return count;
}

/* A cycle in the wait-for graph through `start`, following the first
 * holder at each step: its lanes in path[], their number, or 0. */
static size_t find_cycle(struct model *model, const struct lane_snapshot *snapshots, const struct holders *holders,
                         uint32_t start, uint32_t *path, size_t room)
{
    size_t length = 0;
    uint32_t lane = start;
    while (length < room) {
        path[length++] = lane;
        uint32_t next;
        if (waited_for(model, snapshots, holders, lane, &next, 1) != 1) return 0;
        if (next == start) return length;
        for (size_t seen = 0; seen < length; seen++)
            if (path[seen] == next) return 0; /* a cycle, but not through start: found from its own lanes */
        lane = next;
    }
    return 0;
}

struct panel_writer {
    struct canvas *canvas;
    struct rect area;
    int line;
};

static int next_line(struct panel_writer *writer)
{
    return writer->line < writer->area.height ? writer->area.y + writer->line++ : -1;
}

/* Writes text over as many lines as it needs, breaking at spaces; the
 * lines after the first are indented by 2 more. Returns the lines used. */
static int put_wrapped(struct panel_writer *writer, const char *text, enum style style, int draw)
{
    int lines = 0, width = writer->area.width;
    char line[1024];
    /* the text's own indentation stays, and continuation lines get 2 more */
    int indent = (int)strspn(text, " ");
    size_t length = (size_t)snprintf(line, sizeof line, "%*s", indent, "");
    const char *word = text + indent;
    while (*word) {
        const char *end = strchr(word, ' ');
        if (!end) end = word + strlen(word);
        char candidate[1024];
        int first_word = length == (size_t)indent;
        snprintf(candidate, sizeof candidate, "%.*s%s%.*s", (int)length, line, first_word ? "" : " ", (int)(end - word), word);
        if (!first_word && canvas_text_width(candidate) > width) {
            if (draw) {
                int y = next_line(writer);
                if (y >= 0) canvas_put_text(writer->canvas, writer->area.x, y, width, line, style);
            }
            lines++;
            length = (size_t)snprintf(line, sizeof line, "%*s%.*s", indent + 2, "", (int)(end - word), word);
        } else {
            length = (size_t)snprintf(line, sizeof line, "%s", candidate);
        }
        if (length >= sizeof line) length = sizeof line - 1;
        word = *end ? end + 1 : end;
    }
    if (length > (size_t)indent) {
        if (draw) {
            int y = next_line(writer);
            if (y >= 0) canvas_put_text(writer->canvas, writer->area.x, y, width, line, style);
        }
        lines++;
    }
    return lines;
}

static void describe_wait(struct model *model, const struct lane_snapshot *snapshots, const struct holders *holders,
                          uint32_t lane, char *out, size_t size)
{
    const struct lane_snapshot *snapshot = &snapshots[lane];
    char since[32], who[512] = "";
    model_time_text(model->cursor_ns - snapshot->wait_since_ns, since, sizeof since);
    uint32_t waited[8];
    size_t count = waited_for(model, snapshots, holders, lane, waited, 8);
    const char *label = model_object_label(model, snapshot->wait_object);
    switch (snapshot->wait_state) {
    case LANE_WAIT_JOIN: snprintf(out, size, "  joins %s (%s)", label, since); return;
    case LANE_WAIT_COND: snprintf(out, size, "  on %s (%s)", label, since); return;
    case LANE_WAIT_SEM: snprintf(out, size, "  on %s (%s)", label, since); return;
    case LANE_WAIT_BARRIER: snprintf(out, size, "  at %s (%s)", label, since); return;
    default: break;
    }
    size_t used = 0;
    for (size_t index = 0; index < count && used + 2 < sizeof who; index++) {
        char name[256];
        used += (size_t)snprintf(who + used, sizeof who - used, "%s%s", index ? ", " : "",
                                 model_lane_label(model, waited[index], name, sizeof name));
    }
    snprintf(out, size, "  for %s%s (%s), held by %s", label, snapshot->wait_op == SNAG_OP_WAIT_SHARED ? " to read" : "",
             since, count ? who : "no thread now");
}

/* Events each lane's search for a signaller decodes at most: a redraw stays quick on any trace. */
#define SIGNALLER_SEARCH_EVENTS 65536

/* For a condvar or semaphore wait: who last signalled (broadcast, posted)
 * it since the wait began, that is who could have woken the thread. */
static void describe_signaller(struct model *model, const struct lane_snapshot *snapshot, char *out, size_t size)
{
    int sem = snapshot->wait_state == LANE_WAIT_SEM;
    unsigned ops = sem ? 1u << SNAG_OP_RELEASE : (1u << SNAG_OP_SIGNAL) | (1u << SNAG_OP_BROADCAST);
    int found = 0, gave_up = 0;
    uint32_t best_lane = 0;
    struct lane_event best = {0};
    for (uint32_t lane = 0; lane < model_lane_count(model); lane++) {
        struct lane_event event;
        int result = lane_index_last_on_object(model->lanes, lane, snapshot->wait_object, ops, snapshot->wait_since_ns,
                                               model->cursor_ns, SIGNALLER_SEARCH_EVENTS, &event);
        gave_up |= result < 0;
        if (result == 1 && (!found || event.time_ns > best.time_ns)) {
            best = event;
            best_lane = lane;
            found = 1;
        }
    }
    char ago[32], name[256];
    if (found)
        snprintf(out, size, "  last %s by %s, %s ago", sem ? "posted" : best.op == SNAG_OP_BROADCAST ? "broadcast" : "signalled",
                 model_lane_label(model, best_lane, name, sizeof name),
                 model_time_text(model->cursor_ns - best.time_ns, ago, sizeof ago));
    else snprintf(out, size, "  %s since it began waiting%s", sem ? "not posted" : "not signalled",
                  gave_up ? " (as far as searched)" : "");
}

/* The selected thread's last event at or before the cursor. */
static void describe_last_event(struct model *model, const struct lane_snapshot *snapshot, char *out, size_t size)
{
    const struct view_object *object = object_table_at(model->objects, snapshot->last_event.object);
    char operation[128], ago[32];
    if (!snapshot->has_event || !object) return;
    model_operation_text(object->object_class, snapshot->last_event.op, NULL, operation, sizeof operation);
    snprintf(out, size, "  last event: %s on %s, %s ago", operation, model_object_label(model, snapshot->last_event.object),
             model_time_text(model->cursor_ns - snapshot->last_event.time_ns, ago, sizeof ago));
}

/* A thread in an OpenCL call: which, on which queue, since when. */
static void describe_call(struct model *model, const struct lane_snapshot *snapshot, char *out, size_t size)
{
    const struct snag_opencl_call *call = snag_opencl_call(snag_trace_opencl(model->trace), snapshot->call);
    if (!call) return;
    char since[32], queue[64] = "";
    if (call->queue != SNAG_NO_INDEX) snprintf(queue, sizeof queue, " on queue %u", call->queue + 1);
    snprintf(out, size, "  in %s%s%s (%s)", snag_opencl_function_name(call->function), queue,
             call->flags & SNAG_OPENCL_WAITS ? ", waiting for the device" : "",
             model_time_text(model->cursor_ns - snapshot->span_since_ns, since, sizeof since));
}

/* A busy queue: what the device runs for it, since when, and who enqueued it. */
static void describe_command(struct model *model, const struct lane_snapshot *snapshot, char *out, size_t size)
{
    const struct snag_opencl_log *log = snag_trace_opencl(model->trace);
    const struct snag_opencl_command *command = snag_opencl_command(log, snapshot->command);
    if (!command) return;
    char name[512], raw[512], since[32], more[64] = "", by[300] = "";
    snag_text_sanitize(snag_opencl_command_name(log, command, raw, sizeof raw), name, sizeof name);
    if (snapshot->running > 1) snprintf(more, sizeof more, " and %u more", snapshot->running - 1);
    const struct snag_opencl_call *call = command->call != SNAG_NO_INDEX ? snag_opencl_call(log, command->call) : NULL;
    if (call && call->thread < snag_trace_thread_count(model->trace)) {
        char thread[256];
        snprintf(by, sizeof by, ", enqueued by %s", model_lane_label(model, call->thread, thread, sizeof thread));
    }
    snprintf(out, size, "  %s%s (%s)%s", name, more, model_time_text(model->cursor_ns - snapshot->span_since_ns, since, sizeof since), by);
}

static void describe_holds(struct model *model, const struct lane_snapshot *snapshot, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "  holds ");
    for (size_t index = 0; index < snapshot->held_count && used + 2 < size; index++) {
        const char *label = model_object_label(model, snapshot->held[index].object);
        used += (size_t)snprintf(out + used, size - used, "%s%s", index ? ", " : "", label);
        if (snapshot->held[index].depth > 1 && used + 2 < size)
            used += (size_t)snprintf(out + used, size - used, " (x%u)", snapshot->held[index].depth);
    }
    if (snapshot->held_unlisted && used + 2 < size)
        snprintf(out + used, size - used, "%s%" PRIu64 " more", snapshot->held_count ? " and " : "", snapshot->held_unlisted);
}

void state_panel_draw(struct model *model, struct canvas *canvas, struct rect area)
{
    struct panel_writer writer = {canvas, area, 0};
    int y;
    char line[1024], exact[64];
    if ((y = next_line(&writer)) >= 0) {
        model_time_text(model->cursor_ns, exact, sizeof exact);
        canvas_fill(canvas, area.x, y, area.width, ' ', STYLE_HEADER);
        canvas_printf(canvas, area.x, y, area.width, STYLE_HEADER, "At %s (%" PRIu64 " ns)", exact, model->cursor_ns);
    }
    const struct lane_snapshot *snapshots = model_snapshots(model);
    if (!snapshots) {
        if ((y = next_line(&writer)) >= 0) canvas_put_text(canvas, area.x, y, area.width, "out of memory", STYLE_WARNING);
        return;
    }
    size_t lanes = model_lane_count(model), running = 0, dead = 0, idle = 0;
    struct holders holders;
    if (collect_holders(snapshots, lanes, &holders)) {
        if ((y = next_line(&writer)) >= 0) canvas_put_text(canvas, area.x, y, area.width, "out of memory", STYLE_WARNING);
        return;
    }
    /* Deadlocks first: they are the reason to look. */
    uint32_t path[16];
    for (uint32_t lane = 0; lane < lanes; lane++) {
        if (snapshots[lane].wait_state != LANE_WAIT_LOCK && snapshots[lane].wait_state != LANE_WAIT_JOIN) continue;
        size_t length = find_cycle(model, snapshots, &holders, lane, path, 16);
        int smallest = 1;
        for (size_t index = 0; index < length; index++) smallest &= path[index] >= lane;
        if (!length || !smallest || (y = next_line(&writer)) < 0) continue;
        size_t used = (size_t)snprintf(line, sizeof line, "DEADLOCK:");
        for (size_t index = 0; index <= length && used + 2 < sizeof line; index++) {
            char name[256];
            used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", index ? " -> " : " ",
                                     model_lane_label(model, path[index % length], name, sizeof name));
        }
        writer.line--; /* taken above to know there is room: the text may need more */
        put_wrapped(&writer, line, STYLE_WARNING, 1);
    }
    /* Then every thread that holds or waits, and the selected one. */
    int legend_lines = put_wrapped(&writer, state_panel_legend(model), STYLE_DIM, 0);
    int reserved = area.height >= 5 + legend_lines ? 1 + legend_lines : 0; /* the summary and the legend */
    size_t hidden = 0;
    for (uint32_t lane = 0; lane < lanes; lane++) {
        const struct lane_snapshot *snapshot = &snapshots[lane];
        if (snapshot->state == LANE_DEAD && lane != model->selected_lane) {
            dead++;
            continue;
        }
        if (snapshot->state == LANE_RUNNING && lane != model->selected_lane) {
            running++;
            continue;
        }
        if (snapshot->state == LANE_QUEUE_IDLE && lane != model->selected_lane) {
            idle++;
            continue;
        }
        char wait[1024] = "", holds[1024] = "", signaller[512] = "", last[1024] = "", opencl[1024] = "";
        if (snapshot->call != LANE_NONE) describe_call(model, snapshot, opencl, sizeof opencl);
        if (snapshot->command != LANE_NONE) describe_command(model, snapshot, opencl, sizeof opencl);
        if (snapshot->wait_state != LANE_DEAD) describe_wait(model, snapshots, &holders, lane, wait, sizeof wait);
        if (snapshot->held_count || snapshot->held_unlisted) describe_holds(model, snapshot, holds, sizeof holds);
        /* the selected thread in full: who could have woken it */
        if (lane == model->selected_lane && (snapshot->wait_state == LANE_WAIT_COND || snapshot->wait_state == LANE_WAIT_SEM))
            describe_signaller(model, snapshot, signaller, sizeof signaller);
        if (lane == model->selected_lane) describe_last_event(model, snapshot, last, sizeof last);
        int needed = 1 + (opencl[0] ? put_wrapped(&writer, opencl, STYLE_NORMAL, 0) : 0) +
                     (wait[0] ? put_wrapped(&writer, wait, STYLE_NORMAL, 0) : 0) +
                     (signaller[0] ? put_wrapped(&writer, signaller, STYLE_NORMAL, 0) : 0) +
                     (holds[0] ? put_wrapped(&writer, holds, STYLE_NORMAL, 0) : 0) +
                     (last[0] ? put_wrapped(&writer, last, STYLE_DIM, 0) : 0);
        if (writer.line + needed > area.height - reserved) {
            hidden++;
            continue;
        }
        char name[256];
        y = next_line(&writer);
        enum style style = lane == model->selected_lane ? STYLE_SELECTED : STYLE_NORMAL;
        /* a queue by its number alone: its device's name is long, and on the timeline */
        if (model_queue(model, lane)) snprintf(name, sizeof name, "queue %u", lane_index_queue(model->lanes, lane) + 1);
        else model_lane_label(model, lane, name, sizeof name);
        int x = canvas_put_text(canvas, area.x, y, area.width, name, style);
        canvas_printf(canvas, area.x + x, y, area.width - x, STYLE_STATE_FIRST + snapshot->state, ": %s",
                      lane_state_name(snapshot->state));
        if (opencl[0]) put_wrapped(&writer, opencl, STYLE_NORMAL, 1);
        if (wait[0]) put_wrapped(&writer, wait, STYLE_NORMAL, 1);
        if (signaller[0]) put_wrapped(&writer, signaller, STYLE_NORMAL, 1);
        if (holds[0]) put_wrapped(&writer, holds, STYLE_NORMAL, 1);
        if (last[0]) put_wrapped(&writer, last, STYLE_DIM, 1);
    }
    if (reserved && (y = next_line(&writer)) >= 0) {
        size_t used = (size_t)snprintf(line, sizeof line, "%zu running, %zu not alive", running, dead);
        if (idle) used += (size_t)snprintf(line + used, sizeof line - used, ", %zu queues idle", idle);
        if (hidden) snprintf(line + used, sizeof line - used, ", %zu more below", hidden);
        canvas_put_text(canvas, area.x, y, area.width, line, STYLE_DIM);
    }
    if (reserved) {
        writer.line = area.height - legend_lines;
        put_wrapped(&writer, state_panel_legend(model), STYLE_DIM, 1);
    }
    free(holders.pairs);
}
