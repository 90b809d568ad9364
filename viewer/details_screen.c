/* The details screen: the selected thread's event under the cursor and
 * those around it, each with its call site as "function (file:line)". */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
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
    {"j/k", "next/previous event of the thread", 0},
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

static void details_draw(struct screen *base, struct canvas *canvas, struct rect area)
{
    struct details_screen *screen = (struct details_screen *)base;
    struct model *model = base->model;
    uint32_t lane = model->selected_lane;
    const struct snag_thread_info *thread = model_thread(model, lane);
    char label[512], time[64], text[1024];
    if (!thread) return;
    canvas_fill(canvas, area.x, area.y, area.width, ' ', STYLE_HEADER);
    canvas_printf(canvas, area.x, area.y, area.width, STYLE_HEADER, "Thread %s of pid %d: %" PRIu64 " events; cursor at %s",
                  model_lane_label(model, lane, label, sizeof label),
                  snag_trace_process(model->trace, thread->process)->pid, lane_index_event_count(model->lanes, lane),
                  precise_time(model->cursor_ns, time, sizeof time));
    struct lane_event current;
    /* the event stepped onto, else the last one at or before the cursor */
    uint64_t before = model->on_event && model->event_lane == lane ? model->event_ordinal + 1 : UINT64_MAX;
    int found = lane_index_event_before(model->lanes, lane, model->cursor_ns, before, LANE_OPS_ALL, &current);
    int after = 0;
    if (!found) found = after = lane_index_next_event(model->lanes, lane, model->cursor_ns, LANE_OPS_ALL, &current);
    if (!found) {
        canvas_put_text(canvas, area.x, area.y + 2, area.width, "This thread recorded no events.", STYLE_DIM);
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
    canvas_printf(canvas, area.x, area.y + 1, area.width, STYLE_DIM, "%s the cursor: event %" PRIu64 " of %" PRIu64,
                  after ? "First event after" : "Last event at or before", current.ordinal + 1, total);
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

static struct key_outcome details_handle(struct screen *base, const struct input *input)
{
    struct model *model = base->model;
    switch (input->key) {
    case 'n':
    case 'j':
    case VK_DOWN:
        if (!model_step_lane(model, 1, LANE_OPS_ALL)) snprintf(base->message, sizeof base->message, "no later event on this thread");
        break;
    case 'N':
    case 'k':
    case VK_UP:
        if (!model_step_lane(model, -1, LANE_OPS_ALL))
            snprintf(base->message, sizeof base->message, "no earlier event on this thread");
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
