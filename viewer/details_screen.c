/* The details screen: the selected thread's event under the cursor and
 * those around it, each with its call site as "function (file:line)"; for
 * an OpenCL command queue's lane, its device commands around the cursor,
 * each with the call and the thread that enqueued it. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "snag/opencl.h"
#include "snag/text.h"
#include "stack_view.h"

struct details_screen {
    struct screen base;
    /* the events shown, read again from the trace (the lane index keeps no call sites) */
    uint32_t lane;
    uint64_t first_ordinal;
    size_t count;
    struct snag_event *events;
};

static const struct key_binding details_bindings[] = {
    {"n/N", "event", 1},
    {"Esc", "back", 1},
    {"j/k", "next/previous event of the thread (command of the queue)", 0},
    {NULL, NULL, 0},
};

/* "12.345678 ms": to the nanosecond, so that neighbouring events differ. */
static char *precise_time(uint64_t ns, char *out, size_t size)
{
    if (ns < UINT64_C(1000000000))
        snprintf(out, size, "%" PRIu64 ".%06" PRIu64 " ms", ns / 1000000, ns % 1000000);
    else snprintf(out, size, "%" PRIu64 ".%09" PRIu64 " s", ns / 1000000000, ns % 1000000000);
    return out;
}

static const char *event_name(const struct snag_event *event, char *out, size_t size)
{
    return model_operation_text(event->object_class, event->op, &event->aux, out, size);
}

/* Makes sure the lane's events [first, first + count) are read from the
 * trace, with some around them: stepping through events reads again only
 * now and then, and each read walks the thread's events from its start. */
static int fetch(struct details_screen *screen, uint32_t lane, uint64_t first, size_t count, uint64_t total)
{
    if (screen->events && screen->lane == lane && first >= screen->first_ordinal &&
        first + count <= screen->first_ordinal + screen->count)
        return 0;
    uint64_t margin = 4 * (uint64_t)count + 64;
    uint64_t from = first > margin ? first - margin : 0;
    uint64_t to = first + count + margin < total ? first + count + margin : total;
    free(screen->events);
    screen->count = 0;
    screen->events = calloc(to > from ? (size_t)(to - from) : 1, sizeof *screen->events);
    if (!screen->events) return -1;
    struct snag_event_cursor *cursor = snag_events_of_thread(screen->base.model->trace, lane);
    if (!cursor) return -1;
    struct snag_event event;
    for (uint64_t ordinal = 0; ordinal < to && snag_event_next(cursor, &event); ordinal++)
        if (ordinal >= from) screen->events[screen->count++] = event;
    snag_event_cursor_free(cursor);
    screen->lane = lane;
    screen->first_ordinal = from;
    return first + count <= from + screen->count ? 0 : -1;
}

#define STACK_ROWS 5

/* The stack captured with the event (snag/stacks.h), innermost first, at
 * most STACK_ROWS - 1 frames under a "stack:" line. */
static void draw_stack(struct model *model, struct canvas *canvas, int x, int y, int width,
                       const struct snag_event *event)
{
    if (!event->stack) {
        canvas_put_text(canvas, x, y, width, "(no stack captured with this event)", STYLE_DIM);
        return;
    }
    canvas_put_text(canvas, x, y, width, "stack:", STYLE_DIM);
    stack_view_draw(model, canvas, x + 2, y + 1, width - 2, event->process, event->stack, 0, STACK_ROWS - 1);
}

/* A device command's name, sanitised: "vector_add", "read 4096 B". */
static const char *command_text(const struct snag_opencl_log *log, const struct snag_opencl_command *command, char *out,
                                size_t size)
{
    char raw[512];
    return snag_text_sanitize(snag_opencl_command_name(log, command, raw, sizeof raw), out, size);
}

/* A queue's lane: its commands around the cursor, by start on the device. */
static void draw_queue(struct model *model, struct canvas *canvas, struct rect area, uint32_t lane)
{
    const struct snag_opencl_log *log = snag_trace_opencl(model->trace);
    const struct snag_opencl_queue *queue = model_queue(model, lane);
    char label[512], time[64], text[1024];
    uint64_t total = lane_index_span_count(model->lanes, lane);
    canvas_fill(canvas, area.x, area.y, area.width, ' ', STYLE_HEADER);
    canvas_printf(canvas, area.x, area.y, area.width, STYLE_HEADER, "OpenCL %s of pid %d: %" PRIu64 " commands; cursor at %s",
                  model_lane_label(model, lane, label, sizeof label), snag_trace_process(model->trace, queue->process)->pid,
                  total, precise_time(model->cursor_ns, time, sizeof time));
    /* the command stepped onto, else the last one started at or before the cursor */
    struct lane_event current;
    unsigned starts = 1u << LANE_OP_COMMAND;
    int on_span = model->on_event && model->event_lane == lane && model->event_ordinal >= LANE_SPAN_ORDINAL;
    uint64_t position;
    if (on_span) position = (model->event_ordinal - LANE_SPAN_ORDINAL) / 2;
    else if (lane_index_event_before(model->lanes, lane, model->cursor_ns, UINT64_MAX, starts, &current) ||
             lane_index_event_from(model->lanes, lane, model->cursor_ns, 0, starts, &current))
        position = (current.ordinal - LANE_SPAN_ORDINAL) / 2;
    else {
        canvas_put_text(canvas, area.x, area.y + 2, area.width,
                        "The device gave no times for this queue's commands (or it ran none).", STYLE_DIM);
        return;
    }
    int rows = area.height - 7; /* header lines above, the command in full below */
    if (rows < 1) return;
    uint64_t first = position > (uint64_t)rows / 2 ? position - (uint64_t)rows / 2 : 0;
    if (first + (uint64_t)rows > total) first = total > (uint64_t)rows ? total - (uint64_t)rows : 0;
    canvas_printf(canvas, area.x, area.y + 1, area.width, STYLE_DIM, "Command %" PRIu64 " of %" PRIu64 " (by start on the device)",
                  position + 1, total);
    int time_width = 14, length_width = 10, name_width = (area.width - 24) / 2;
    if (name_width < 16) name_width = 16;
    int y = area.y + 2, by_x = area.x + time_width + length_width + name_width;
    canvas_fill(canvas, area.x, y, area.width, ' ', STYLE_HEADER);
    canvas_put_text(canvas, area.x, y, time_width, "START", STYLE_HEADER);
    canvas_put_text(canvas, area.x + time_width, y, length_width, "TOOK", STYLE_HEADER);
    canvas_put_text(canvas, area.x + time_width + length_width, y, name_width, "COMMAND", STYLE_HEADER);
    canvas_put_text(canvas, by_x, y, area.width, "ENQUEUED BY", STYLE_HEADER);
    for (uint64_t at = first; at < total && at < first + (uint64_t)rows; at++) {
        const struct snag_opencl_command *command = snag_opencl_command(log, lane_index_span_item(model->lanes, lane, at));
        if (!command) continue;
        const struct snag_opencl_call *call = command->call != SNAG_NO_INDEX ? snag_opencl_call(log, command->call) : NULL;
        enum style style = at == position ? STYLE_SELECTED : STYLE_NORMAL;
        y = area.y + 3 + (int)(at - first);
        canvas_fill(canvas, area.x, y, area.width, ' ', style);
        canvas_put_text(canvas, area.x, y, time_width - 1, precise_time(command->start_ns, time, sizeof time), style);
        canvas_put_text(canvas, area.x + time_width, y, length_width - 1,
                        model_time_text(command->end_ns - command->start_ns, time, sizeof time), style);
        canvas_put_text(canvas, area.x + time_width + length_width, y, name_width - 1,
                        command_text(log, command, text, sizeof text), style);
        if (call && call->thread < snag_trace_thread_count(model->trace))
            canvas_printf(canvas, by_x, y, area.x + area.width - by_x, style, "%s (%s)",
                          model_lane_label(model, call->thread, label, sizeof label), snag_opencl_function_name(call->function));
        if (at != position) continue;
        /* the command in full, under the table */
        int bottom = area.y + area.height - 3;
        char queued[64], waited[64];
        canvas_printf(canvas, area.x, bottom, area.width, STYLE_NORMAL, "%s: %s on the device from %s to %s%s",
                      command_text(log, command, text, sizeof text), lane_state_name(lane_state_of_command(command->command_type)),
                      precise_time(command->start_ns, time, sizeof time), precise_time(command->end_ns, queued, sizeof queued),
                      command->status < 0 ? " (failed)" : "");
        canvas_printf(canvas, area.x, bottom + 1, area.width, STYLE_NORMAL, "queued at %s, waited %s before it started",
                      precise_time(command->queued_ns, queued, sizeof queued),
                      model_time_text(command->start_ns > command->queued_ns ? command->start_ns - command->queued_ns : 0,
                                      waited, sizeof waited));
        if (call)
            canvas_printf(canvas, area.x, bottom + 2, area.width, STYLE_NORMAL, "enqueued by %s at %s",
                          snag_opencl_function_name(call->function),
                          model_site_text(model, call->process, call->site, text, sizeof text));
    }
}

/* "; in clFinish (waits for the device) for 1.2 ms" when the thread is in an OpenCL call at the cursor. */
static void describe_call(struct model *model, uint32_t lane, char *out, size_t size)
{
    out[0] = 0;
    const struct lane_snapshot *snapshots = model_snapshots(model);
    if (!snapshots || snapshots[lane].call == LANE_NONE) return;
    const struct snag_opencl_call *call = snag_opencl_call(snag_trace_opencl(model->trace), snapshots[lane].call);
    char since[32];
    if (call)
        snprintf(out, size, "; in %s%s for %s", snag_opencl_function_name(call->function),
                 call->flags & SNAG_OPENCL_WAITS ? " (waits for the device)" : "",
                 model_time_text(model->cursor_ns - snapshots[lane].span_since_ns, since, sizeof since));
}

static void details_draw(struct screen *base, struct canvas *canvas, struct rect area)
{
    struct details_screen *screen = (struct details_screen *)base;
    struct model *model = base->model;
    uint32_t lane = model->selected_lane;
    const struct snag_thread_info *thread = model_thread(model, lane);
    char label[512], time[64], text[1024], in_call[256];
    if (model_queue(model, lane)) {
        draw_queue(model, canvas, area, lane);
        return;
    }
    if (!thread) return;
    canvas_fill(canvas, area.x, area.y, area.width, ' ', STYLE_HEADER);
    canvas_printf(canvas, area.x, area.y, area.width, STYLE_HEADER, "Thread %s of pid %d: %" PRIu64 " events; cursor at %s",
                  model_lane_label(model, lane, label, sizeof label),
                  snag_trace_process(model->trace, thread->process)->pid, lane_index_event_count(model->lanes, lane),
                  precise_time(model->cursor_ns, time, sizeof time));
    struct lane_event current;
    /* the event stepped onto, else the last one at or before the cursor
     * (the thread's own: an OpenCL call's start or end is not one of them) */
    uint64_t before = UINT64_MAX;
    if (model->on_event && model->event_lane == lane && model->event_ordinal < LANE_SPAN_ORDINAL) before = model->event_ordinal + 1;
    int found = lane_index_event_before(model->lanes, lane, model->cursor_ns, before, LANE_OPS_THREAD, &current);
    int after = 0;
    if (!found) found = after = lane_index_next_event(model->lanes, lane, model->cursor_ns, LANE_OPS_THREAD, &current);
    describe_call(model, lane, in_call, sizeof in_call);
    if (!found) {
        canvas_printf(canvas, area.x, area.y + 2, area.width, STYLE_DIM, "This thread recorded no lock events%s.", in_call);
        return;
    }
    /* under the table: the current event in full, then its stack when the
     * screen has room for one */
    int stack_rows = area.height >= 18 ? STACK_ROWS + 1 : 0;
    int rows = area.height - 5 - stack_rows; /* header lines above, the current event in full below */
    if (rows < 1) return;
    uint64_t total = lane_index_event_count(model->lanes, lane);
    uint64_t first = current.ordinal > (uint64_t)rows / 2 ? current.ordinal - (uint64_t)rows / 2 : 0;
    if (first + (uint64_t)rows > total) first = total > (uint64_t)rows ? total - (uint64_t)rows : 0;
    size_t count = (size_t)(total - first < (uint64_t)rows ? total - first : (uint64_t)rows);
    if (fetch(screen, lane, first, count, total)) {
        canvas_put_text(canvas, area.x, area.y + 2, area.width, "cannot read the events (out of memory?)", STYLE_WARNING);
        return;
    }
    canvas_printf(canvas, area.x, area.y + 1, area.width, STYLE_DIM, "%s the cursor: event %" PRIu64 " of %" PRIu64 "%s",
                  after ? "First event after" : "Last event at or before", current.ordinal + 1, total, in_call);
    int time_width = 14, name_width = 24;
    int object_width = (area.width - time_width - name_width) / 2;
    if (object_width < 12) object_width = 12;
    int y = area.y + 2;
    canvas_fill(canvas, area.x, y, area.width, ' ', STYLE_HEADER);
    canvas_put_text(canvas, area.x, y, time_width, "TIME", STYLE_HEADER);
    canvas_put_text(canvas, area.x + time_width, y, name_width, "EVENT", STYLE_HEADER);
    canvas_put_text(canvas, area.x + time_width + name_width, y, object_width, "OBJECT", STYLE_HEADER);
    canvas_put_text(canvas, area.x + time_width + name_width + object_width, y, area.width, "CALL SITE", STYLE_HEADER);
    for (size_t index = 0; index < count; index++) {
        const struct snag_event *event = &screen->events[first - screen->first_ordinal + index];
        enum style style = first + index == current.ordinal ? STYLE_SELECTED : STYLE_NORMAL;
        y = area.y + 3 + (int)index;
        canvas_fill(canvas, area.x, y, area.width, ' ', style);
        canvas_put_text(canvas, area.x, y, time_width - 1, precise_time(event->time_ns, time, sizeof time), style);
        canvas_put_text(canvas, area.x + time_width, y, name_width - 1, event_name(event, text, sizeof text), style);
        uint32_t object = object_table_find(model->objects, event->process, event->object_class, event->object);
        canvas_put_text(canvas, area.x + time_width + name_width, y, object_width - 1, model_object_label(model, object),
                        style);
        int site_x = area.x + time_width + name_width + object_width;
        if (event->site)
            canvas_put_text(canvas, site_x, y, area.x + area.width - site_x,
                            model_site_text(model, event->process, event->site, text, sizeof text), style);
        if (first + index != current.ordinal) continue;
        /* the event under the cursor, in full, under the table */
        char name[256], where[1024];
        int bottom = area.y + area.height - 2 - stack_rows;
        canvas_printf(canvas, area.x, bottom, area.width, STYLE_NORMAL, "%s on %s (%s 0x%" PRIx64 ")",
                      event_name(event, name, sizeof name), model_object_label(model, object),
                      snag_class_name(event->object_class), event->object);
        if (event->site)
            canvas_printf(canvas, area.x, bottom + 1, area.width, STYLE_NORMAL, "at %s",
                          model_site_text(model, event->process, event->site, where, sizeof where));
        else canvas_put_text(canvas, area.x, bottom + 1, area.width, "(no call site recorded)", STYLE_DIM);
        if (stack_rows) draw_stack(model, canvas, area.x, bottom + 2, area.width, event);
    }
}

/* What j/k step through: the rows the screen lists. */
static unsigned details_ops(const struct model *model)
{
    return model_queue(model, model->selected_lane) ? 1u << LANE_OP_COMMAND : LANE_OPS_THREAD;
}

static struct key_outcome details_handle(struct screen *base, const struct input *input)
{
    struct model *model = base->model;
    switch (input->key) {
    case 'n':
    case 'j':
    case VK_DOWN:
        if (!model_step_lane(model, 1, details_ops(model)))
            snprintf(base->message, sizeof base->message, "no later event on this %s", model_queue(model, model->selected_lane) ? "queue" : "thread");
        break;
    case 'N':
    case 'k':
    case VK_UP:
        if (!model_step_lane(model, -1, details_ops(model)))
            snprintf(base->message, sizeof base->message, "no earlier event on this %s", model_queue(model, model->selected_lane) ? "queue" : "thread");
        break;
    case VK_ENTER: return key_outcome(KEY_BACK);
    default: return key_outcome(KEY_IGNORED);
    }
    return key_outcome(KEY_HANDLED);
}

static void details_destroy(struct screen *base)
{
    struct details_screen *screen = (struct details_screen *)base;
    free(screen->events);
    free(screen);
}

static const struct screen_class details_class = {
    .name = "details",
    .title = "Details",
    .draw = details_draw,
    .handle = details_handle,
    .destroy = details_destroy,
    .bindings = details_bindings,
};

struct screen *details_screen_new(struct model *model)
{
    struct details_screen *screen = calloc(1, sizeof *screen);
    if (!screen) return NULL;
    screen->base.class = &details_class;
    screen->base.model = model;
    return &screen->base;
}
