/* The timeline: one lane per thread and per OpenCL command queue, grouped
 * by process, time from left to right; each cell is the most telling state the thread was in during its
 * slice of time (lane_index.h), as a glyph and a colour. The state panel shows the instant under the cursor. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "state_panel.h"

/* A panel beside the timeline from this width on, else under it. */
#define SIDE_PANEL_MIN_WIDTH 120

struct timeline_screen {
    struct screen base;
    /* the last layout, to map mouse clicks */
    int lanes_y, lanes_height, cells_x, cells_width;
    uint8_t *states, *marked;
    size_t column_capacity;
};

static const struct key_binding timeline_bindings[] = {
    {"+/-", "zoom", 1},
    {"h/l", "move", 1},
    {"j/k", "lane", 1},
    {"e/E", "event", 1},
    {"/", "search", 1},
    {"n/N", "match", 1},
    {"F", "filter", 1},
    {"Space", "play", 1},
    {"Enter", "details", 1},
    {"/", "search lanes by thread name, tid, or queue and device (Enter: first match)", 0},
    {"n/N", "next/previous lane matching the search", 0},
    {"F", "show only the lanes matching the search, or all again", 0},
    {"P", "show only the selected lane's process, or all again", 0},
    {"e/E", "next/previous event of the lane: a lock operation, an OpenCL call's start or end, a queue's command's", 0},
    {"[ ]", "previous/next event on any lane", 0},
    {"w/W", "next/previous time this thread blocks (a wait, or an OpenCL call that waits for the device)", 0},
    {"H/L", "pan half a screen", 0},
    {"f 0", "fit the whole trace", 0},
    {"g/G Home/End", "cursor to the start/end", 0},
    {"< >", "replay slower/faster", 0},
    {"PgUp/PgDn", "lanes a page up/down", 0},
    {"u", "unmark the lock marked from the locks screen", 0},
    {"click", "select a lane and a time", 0},
    {NULL, NULL, 0},
};

static int clamp(int value, int low, int high)
{
    return value < low ? low : value > high ? high : value;
}

/* Row of the selected lane in model->rows. */
static size_t selected_row(const struct model *model)
{
    for (size_t row = 0; row < model->row_count; row++)
        if (!model->rows[row].is_process && model->rows[row].index == model->selected_lane) return row;
    return 0;
}

static void scroll_to_selection(struct model *model, int visible)
{
    if (visible < 1) return;
    size_t row = selected_row(model);
    /* Keep the process line above a process's first thread in sight. */
    size_t top = row > 0 && model->rows[row - 1].is_process ? row - 1 : row;
    if (top < model->first_row) model->first_row = top;
    if (row >= model->first_row + (size_t)visible) model->first_row = row - (size_t)visible + 1;
    if (model->first_row + (size_t)visible > model->row_count)
        model->first_row = model->row_count > (size_t)visible ? model->row_count - (size_t)visible : 0;
}

/* A tick's time, with as many decimals as the spacing of ticks needs
 * ("14.0312 ms" when ticks are 200 ns apart). */
static char *tick_text(uint64_t time, uint64_t step, char *out, size_t size)
{
    static const struct {
        uint64_t ns;
        const char *name;
    } units[] = {{1, "ns"}, {1000, "us"}, {1000000, "ms"}, {1000000000, "s"}};
    size_t unit = 0;
    while (unit + 1 < sizeof units / sizeof units[0] && time >= units[unit + 1].ns) unit++;
    unsigned decimals = 0;
    uint64_t resolution = units[unit].ns;
    while (resolution > 1 && step % resolution != 0) {
        resolution /= 10;
        decimals++;
    }
    uint64_t whole = time / units[unit].ns, fraction = (time % units[unit].ns) / resolution;
    if (decimals) snprintf(out, size, "%" PRIu64 ".%0*" PRIu64 " %s", whole, (int)(decimals % 10), fraction, units[unit].name);
    else snprintf(out, size, "%" PRIu64 " %s", whole, units[unit].name);
    return out;
}

static void draw_axis(struct model *model, struct canvas *canvas, int y, int label_x, int label_width, int cells_x,
                      int cells_width, int cursor_column)
{
    char text[64];
    canvas_printf(canvas, label_x, y, label_width - 1, STYLE_DIM, "%s/col",
                  model_time_text(model->ns_per_column, text, sizeof text));
    /* 1, 2, 5 x 10^k ns: the smallest that leaves room for the labels */
    uint64_t start = model->view_start_ns, end = model_view_end_ns(model), step = 1;
    for (uint64_t decade = 1;; decade *= 10) {
        static const uint64_t multiples[] = {1, 2, 5};
        int found = 0;
        for (size_t index = 0; index < 3 && !found; index++) {
            step = multiples[index] * decade;
            uint64_t spacing = step / model->ns_per_column;
            found = spacing >= (uint64_t)canvas_text_width(tick_text(end, step, text, sizeof text)) + 2;
        }
        if (found || decade > UINT64_MAX / 100) break;
    }
    for (uint64_t tick = (start + step - 1) / step * step; tick < end; tick += step) {
        int column = (int)((tick - start) / model->ns_per_column);
        if (column >= cells_width) break;
        canvas_put_char(canvas, cells_x + column, y, '|', STYLE_DIM);
        tick_text(tick, step, text, sizeof text);
        /* a label never hides the cursor's mark */
        int label_end = column + 1 + canvas_text_width(text);
        if (cursor_column < 0 || cursor_column < column + 1 || cursor_column >= label_end)
            canvas_put_text(canvas, cells_x + column + 1, y, cells_width - column - 1, text, STYLE_DIM);
        if (tick > UINT64_MAX - step) break;
    }
    if (cursor_column >= 0 && cursor_column < cells_width) {
        canvas_put_char(canvas, cells_x + cursor_column, y, 'v', STYLE_HEADER);
        canvas_set_flags(canvas, cells_x + cursor_column, y, CELL_BOLD);
    }
}

static void draw_timeline(struct timeline_screen *screen, struct canvas *canvas, struct rect area)
{
    struct model *model = screen->base.model;
    int label_width = clamp(area.width / 4, 12, 28);
    int cells_x = area.x + label_width, cells_width = area.width - label_width;
    if (cells_width < 1) return;
    model_set_columns(model, (size_t)cells_width);
    if ((size_t)cells_width > screen->column_capacity) {
        uint8_t *states = realloc(screen->states, (size_t)cells_width);
        if (!states) return;
        screen->states = states;
        uint8_t *marked = realloc(screen->marked, (size_t)cells_width);
        if (!marked) return;
        screen->marked = marked;
        screen->column_capacity = (size_t)cells_width;
    }
    screen->lanes_y = area.y + 1;
    screen->lanes_height = area.height - 1;
    screen->cells_x = cells_x;
    screen->cells_width = cells_width;

    int cursor_column = -1;
    if (model->cursor_ns >= model->view_start_ns && model->cursor_ns <= model_view_end_ns(model))
        cursor_column = (int)((model->cursor_ns - model->view_start_ns) / model->ns_per_column);
    if (cursor_column >= cells_width) cursor_column = cells_width - 1; /* at the view's very end */
    draw_axis(model, canvas, area.y, area.x, label_width, cells_x, cells_width, cursor_column);

    scroll_to_selection(model, screen->lanes_height);
    int marking = model_mark(model) != OBJECT_NONE;
    for (int line = 0; line < screen->lanes_height; line++) {
        size_t row_number = model->first_row + (size_t)line;
        if (row_number >= model->row_count) break;
        const struct model_row *row = &model->rows[row_number];
        int y = screen->lanes_y + line;
        char label[1024];
        if (row->is_process) {
            /* how it ended first, on the right, so that a long command line cannot hide it */
            const struct snag_process_info *process = snag_trace_process(model->trace, row->index);
            char ended[64] = "";
            if (process->exit_kind == SNAG_EXIT_STATUS) snprintf(ended, sizeof ended, " exit %d ", process->exit_value);
            else if (process->exit_kind == SNAG_EXIT_SIGNAL)
                snprintf(ended, sizeof ended, " killed by signal %d ", process->exit_value);
            else if (process->exit_kind == SNAG_EXIT_EXEC) snprintf(ended, sizeof ended, " replaced by exec ");
            int ended_width = canvas_text_width(ended);
            if (ended_width * 3 > area.width) ended_width = 0;
            canvas_fill(canvas, area.x, y, area.width, ' ', STYLE_HEADER);
            canvas_put_text(canvas, area.x, y, area.width - ended_width - 1,
                            model_process_label(model, row->index, label, sizeof label), STYLE_HEADER);
            if (ended_width)
                canvas_put_text(canvas, area.x + area.width - ended_width, y, ended_width, ended, STYLE_HEADER);
            continue;
        }
        int selected = row->index == model->selected_lane;
        enum style label_style = selected ? STYLE_SELECTED : STYLE_NORMAL;
        canvas_fill(canvas, area.x, y, label_width - 1, ' ', label_style);
        canvas_put_text(canvas, area.x, y, 1, selected ? ">" : " ", label_style);
        canvas_put_text(canvas, area.x + 1, y, label_width - 2, model_lane_label(model, row->index, label, sizeof label),
                        label_style);
        lane_index_columns(model->lanes, row->index, model->view_start_ns, model->ns_per_column, (size_t)cells_width,
                           screen->states, marking ? screen->marked : NULL);
        for (int column = 0; column < cells_width; column++) {
            enum lane_state state = (enum lane_state)screen->states[column];
            if (marking && screen->marked[column] && state != LANE_DEAD)
                canvas_put_char(canvas, cells_x + column, y, '*', STYLE_MARK);
            else
                canvas_put_char(canvas, cells_x + column, y, (unsigned char)lane_state_glyph(state),
                                (enum style)(STYLE_STATE_FIRST + state));
        }
        if (cursor_column >= 0) canvas_set_flags(canvas, cells_x + cursor_column, y, CELL_REVERSE);
    }
}

static void timeline_draw(struct screen *base, struct canvas *canvas, struct rect area)
{
    struct timeline_screen *screen = (struct timeline_screen *)base;
    struct rect timeline = area, panel = {0, 0, 0, 0};
    if (area.width >= SIDE_PANEL_MIN_WIDTH) {
        int panel_width = clamp(area.width * 3 / 10, 36, 60);
        timeline.width = area.width - panel_width - 1;
        panel = (struct rect){area.x + timeline.width + 1, area.y, panel_width, area.height};
        for (int y = area.y; y < area.y + area.height; y++) canvas_put_char(canvas, area.x + timeline.width, y, '|', STYLE_DIM);
    } else if (area.height >= 12) {
        /* The timeline takes what its rows need, the panel at least a third. */
        int panel_height = clamp(area.height / 3, 5, 12);
        int rows_needed = (int)(base->model->row_count < (size_t)area.height ? base->model->row_count : (size_t)area.height) + 1;
        if (area.height - rows_needed > panel_height) panel_height = area.height - rows_needed;
        timeline.height = area.height - panel_height;
        panel = (struct rect){area.x, area.y + timeline.height, area.width, panel_height};
    }
    draw_timeline(screen, canvas, timeline);
    if (panel.width > 0 && panel.height > 0) state_panel_draw(base->model, canvas, panel);
}

static void click(struct timeline_screen *screen, const struct input *input)
{
    struct model *model = screen->base.model;
    if (input->button == 4 || input->button == 5) {
        model_move_lane(model, input->button == 4 ? -1 : 1);
        return;
    }
    int line = input->y - screen->lanes_y;
    if (line >= 0 && line < screen->lanes_height) {
        size_t row = model->first_row + (size_t)line;
        if (row < model->row_count && !model->rows[row].is_process) model_select_lane(model, model->rows[row].index);
    }
    int column = input->x - screen->cells_x;
    if (column >= 0 && column < screen->cells_width && input->y >= screen->lanes_y - 1 &&
        input->y < screen->lanes_y + screen->lanes_height)
        model_set_cursor(model, model->view_start_ns + (uint64_t)column * model->ns_per_column);
}

static struct key_outcome timeline_handle(struct screen *base, const struct input *input)
{
    struct timeline_screen *screen = (struct timeline_screen *)base;
    struct model *model = base->model;
    long half = (long)(model->view_columns / 2 ? model->view_columns / 2 : 1);
    long page = screen->lanes_height > 1 ? screen->lanes_height - 1 : 1;
    switch (input->key) {
    case '+':
    case '=': model_zoom(model, 1); break;
    case '-':
    case '_': model_zoom(model, 0); break;
    case 'h':
    case VK_LEFT: model_move_cursor_columns(model, -1); break;
    case 'l':
    case VK_RIGHT: model_move_cursor_columns(model, 1); break;
    case 'H': model_pan(model, -half); break;
    case 'L': model_pan(model, half); break;
    case 'j':
    case VK_DOWN: model_move_lane(model, 1); break;
    case 'k':
    case VK_UP: model_move_lane(model, -1); break;
    case VK_PAGE_DOWN: model_move_lane(model, page); break;
    case VK_PAGE_UP: model_move_lane(model, -page); break;
    case 'e':
    case 'E':
        if (!model_step_lane(model, input->key == 'e' ? 1 : -1, LANE_OPS_ALL))
            snprintf(base->message, sizeof base->message, "no %s event on this %s", input->key == 'e' ? "later" : "earlier",
                     model_queue(model, model->selected_lane) ? "queue" : "thread");
        break;
    case 'n':
    case 'N':
    case VK_SEARCH:
        if (!model->search[0]) snprintf(base->message, sizeof base->message, "no search: / to search lanes");
        else if (!model_find_lane(model, input->key == 'n' ? 1 : input->key == 'N' ? -1 : 0))
            snprintf(base->message, sizeof base->message, "no lane matches the search");
        break;
    case 'F':
    case 'P': {
        enum model_filter filter = input->key == 'F' ? FILTER_MATCHES : FILTER_PROCESS;
        if (model->filter == filter) model_set_filter(model, FILTER_NONE);
        else if (filter == FILTER_MATCHES && !model->search[0])
            snprintf(base->message, sizeof base->message, "no search to filter by: / to search lanes");
        else if (!model_set_filter(model, filter))
            snprintf(base->message, sizeof base->message, "no lane matches the search");
        break;
    }
    case 'w':
    case 'W':
        if (model_queue(model, model->selected_lane))
            snprintf(base->message, sizeof base->message, "a queue does not block: e/E step through its commands");
        else if (!model_step_lane(model, input->key == 'w' ? 1 : -1, LANE_OPS_WAITS))
            snprintf(base->message, sizeof base->message, "no %s blocking wait on this thread",
                     input->key == 'w' ? "later" : "earlier");
        break;
    case ']':
    case '[':
        if (!model_step_any(model, input->key == ']' ? 1 : -1))
            snprintf(base->message, sizeof base->message, "no %s event", input->key == ']' ? "later" : "earlier");
        break;
    case 'f':
    case '0': model_fit(model); break;
    case 'g':
    case VK_HOME: model_set_cursor(model, 0); break;
    case 'G':
    case VK_END: model_set_cursor(model, model_end_ns(model)); break;
    case ' ': model_play_toggle(model); break;
    case '<':
    case ',': model_play_speed(model, 0); break;
    case '>':
    case '.': model_play_speed(model, 1); break;
    case 'u':
        if (model_mark(model) != OBJECT_NONE) {
            model_set_mark(model, OBJECT_NONE);
            snprintf(base->message, sizeof base->message, "no lock marked");
        }
        break;
    case VK_ENTER:
    case 'd': return key_show(SCREEN_DETAILS);
    case VK_MOUSE: click(screen, input); break;
    default: return key_outcome(KEY_IGNORED);
    }
    return key_outcome(KEY_HANDLED);
}

static void timeline_destroy(struct screen *base)
{
    struct timeline_screen *screen = (struct timeline_screen *)base;
    free(screen->states);
    free(screen->marked);
    free(screen);
}

static const struct screen_class timeline_class = {
    .name = "timeline",
    .title = "Timeline",
    .draw = timeline_draw,
    .handle = timeline_handle,
    .destroy = timeline_destroy,
    .bindings = timeline_bindings,
    .searches = 1,
};

struct screen *timeline_screen_new(struct model *model)
{
    struct timeline_screen *screen = calloc(1, sizeof *screen);
    if (!screen) return NULL;
    screen->base.class = &timeline_class;
    screen->base.model = model;
    return &screen->base;
}
