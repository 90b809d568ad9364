/* The findings screen: what the findings analysis (snag/findings.h) proves
 * or points at in the trace, most severe first, and under the list the
 * selected finding's stacks: where each of its threads took what it holds
 * and where it wants the next. Enter shows its moment on the timeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "stack_view.h"
#include "snag/findings.h"
#include "snag/findings_text.h"

struct findings_screen {
    struct screen base;
    struct snag_findings *findings; /* computed on first display */
    int computed;
    size_t selected, first;
    int stacks_first, stacks_page; /* the stacks pane: its first line shown, its height */
};

/* Short enough for the key bar at 80 columns; the help has them in full. */
static const struct key_binding findings_bindings[] = {
    {"j/k", "select", 1},
    {"Enter", "on the timeline", 1},
    {"J/K", "stacks", 1},
    {"Enter", "the finding's moment on the timeline, its first thread selected", 0},
    {"J/K PgDn/PgUp", "scroll the selected finding's stacks a line, a page", 0},
    {"g/G Home/End", "first, last finding", 0},
    {NULL, NULL, 0},
};

/* A heading, then the finding's message wrapped over the lines left. */
#define LINES_PER_FINDING 4
/* The stacks pane's heading and a few lines at least, or no pane. */
#define MIN_STACKS_ROWS 4

static const struct snag_findings *findings_of(struct findings_screen *screen)
{
    if (!screen->computed) {
        screen->findings = snag_findings_compute(screen->base.model->trace);
        screen->computed = 1;
    }
    return screen->findings;
}

/* Draws `text` from (x, y) over at most `lines` lines of `width` columns,
 * breaking between words; the last line takes what is left (and is cut). */
static void draw_wrapped(struct canvas *canvas, int x, int y, int width, int lines, const char *text)
{
    char line[4096];
    for (int row = 0; row < lines && *text; row++) {
        size_t fits = 0, length = strlen(text);
        if (row == lines - 1 || canvas_text_width(text) <= width) {
            fits = length;
        } else {
            /* the longest run of whole words that fits */
            for (size_t end = 1; end <= length && end < sizeof line; end++) {
                if (text[end] != ' ' && text[end] != '\0') continue;
                memcpy(line, text, end);
                line[end] = '\0';
                if (canvas_text_width(line) > width) break;
                fits = end;
            }
            if (fits == 0) fits = length; /* one word wider than the line: cut it */
        }
        if (fits >= sizeof line) fits = sizeof line - 1;
        memcpy(line, text, fits);
        line[fits] = '\0';
        canvas_put_text(canvas, x, y + row, width, line, STYLE_NORMAL);
        text += fits;
        while (*text == ' ') text++;
    }
}

static void draw_finding(struct findings_screen *screen, struct canvas *canvas, struct rect area, int y,
                         const struct snag_finding *finding, int selected)
{
    struct model *model = screen->base.model;
    char when[32], message[4096];
    enum style style = selected ? STYLE_SELECTED : STYLE_NORMAL;
    canvas_fill(canvas, area.x, y, area.width, ' ', style);
    canvas_printf(canvas, area.x, y, area.width, style, "[%s] %s/%s at %s in pid %d, %u time%s",
                  snag_severity_name(finding->severity), finding->kind, finding->subkind,
                  model_time_text(finding->time_ns, when, sizeof when),
                  snag_trace_process(model->trace, finding->process)->pid, finding->occurrences,
                  finding->occurrences == 1 ? "" : "s");
    struct snag_names *names = model_names(model);
    if (!names) {
        canvas_put_text(canvas, area.x + 2, y + 1, area.width - 2, "out of memory naming it", STYLE_WARNING);
        return;
    }
    snag_finding_message(model->trace, model_lockstats(model), names, finding, message, sizeof message);
    draw_wrapped(canvas, area.x + 2, y + 1, area.width - 2, LINES_PER_FINDING - 1, message);
}

/* The stacks pane lays its lines out from 0 and draws those in view: it
 * scrolls. With no canvas it only counts them. */
struct pane {
    struct canvas *canvas;
    struct rect area;
    int first; /* the line drawn at area.y */
    int line;  /* lines laid out so far */
};

/* The row of the next line, or -1 when it is not drawn; counts the line. */
static int pane_row(struct pane *pane)
{
    int row = pane->line++ - pane->first;
    return pane->canvas && row >= 0 && row < pane->area.height ? pane->area.y + row : -1;
}

/* A stack, a frame a line, `indent` columns in. */
static void pane_stack(struct pane *pane, struct model *model, int indent, uint32_t process, uint32_t stack)
{
    int row = pane->line - pane->first;
    int y = pane->area.y + (row > 0 ? row : 0);
    int rows = pane->canvas ? pane->area.y + pane->area.height - y : 0;
    size_t count = stack_view_draw(model, pane->canvas, pane->area.x + indent, y, pane->area.width - indent, process,
                                   stack, row < 0 ? (size_t)-row : 0, rows);
    pane->line += (int)count;
    if (count == 0 && (y = pane_row(pane)) >= 0)
        canvas_put_text(pane->canvas, pane->area.x + indent, y, pane->area.width - indent,
                        "(cannot name this stack: out of memory?)", STYLE_WARNING);
}

/* For each of the finding's threads with a stack captured: the thread,
 * then where it took the lock it holds and where it wants the next, each
 * with its stack (the ones `snag report` shows: snag_finding_stacks). */
static void lay_out_stacks(struct model *model, struct pane *pane, const struct snag_finding *finding)
{
    struct snag_finding_stack stacks[64];
    size_t count = snag_finding_stacks(model->trace, finding, stacks, sizeof stacks / sizeof stacks[0]);
    int y, many_processes = snag_trace_process_count(model->trace) > 1;
    if (count == 0 && (y = pane_row(pane)) >= 0)
        canvas_put_text(pane->canvas, pane->area.x, y, pane->area.width, "(no stack was captured for this finding)",
                        STYLE_DIM);
    for (size_t index = 0; index < count; index++) {
        const struct snag_finding_stack *stack = &stacks[index];
        char label[512], lock[512] = "a lock";
        if ((index == 0 || stacks[index - 1].thread != stack->thread) && (y = pane_row(pane)) >= 0) {
            int x = pane->area.x;
            x += canvas_printf(pane->canvas, x, y, pane->area.width, STYLE_NORMAL, "thread %s (%s)",
                               model_lane_label(model, stack->thread->thread, label, sizeof label), stack->thread->role);
            if (many_processes)
                canvas_printf(pane->canvas, x, y, pane->area.x + pane->area.width - x, STYLE_NORMAL, " in pid %d",
                              snag_trace_process(model->trace, stack->process)->pid);
        }
        if ((y = pane_row(pane)) >= 0) {
            struct snag_names *names = model_names(model);
            if (names && stack->lock < finding->lock_count)
                snag_finding_lock_label(names, model_lockstats(model), &finding->locks[stack->lock], lock, sizeof lock);
            canvas_printf(pane->canvas, pane->area.x + 2, y, pane->area.width - 2, STYLE_DIM, "%s %s at:",
                          strcmp(stack->what, "holds") == 0 ? "took" : "wants", lock);
        }
        pane_stack(pane, model, 4, stack->process, stack->stack);
    }
}

/* A heading, then the finding's stacks from stacks_first, which is kept in
 * range as the terminal's size changes. */
static void draw_stacks_pane(struct findings_screen *screen, struct canvas *canvas, struct rect area,
                             const struct snag_finding *finding)
{
    struct model *model = screen->base.model;
    struct pane pane = {NULL, {area.x, area.y + 1, area.width, area.height - 1}, 0, 0};
    lay_out_stacks(model, &pane, finding);
    int lines = pane.line;
    screen->stacks_page = pane.area.height;
    if (screen->stacks_first > lines - pane.area.height)
        screen->stacks_first = lines > pane.area.height ? lines - pane.area.height : 0;
    pane = (struct pane){canvas, pane.area, screen->stacks_first, 0};
    lay_out_stacks(model, &pane, finding);
    canvas_fill(canvas, area.x, area.y, area.width, ' ', STYLE_HEADER);
    char where[64] = "";
    if (lines > pane.area.height) {
        int first = screen->stacks_first + 1, last = screen->stacks_first + pane.area.height;
        snprintf(where, sizeof where, " lines %d-%d of %d", first, last, lines);
        if (2 * canvas_text_width(where) > area.width) snprintf(where, sizeof where, " %d-%d/%d", first, last, lines);
    }
    int where_width = canvas_text_width(where);
    canvas_put_text(canvas, area.x, area.y, area.width - where_width - 1, "Stacks of the selected finding's threads",
                    STYLE_HEADER);
    canvas_put_text(canvas, area.x + area.width - where_width, area.y, where_width, where, STYLE_HEADER);
}

static void findings_draw(struct screen *base, struct canvas *canvas, struct rect area)
{
    struct findings_screen *screen = (struct findings_screen *)base;
    const struct snag_findings *findings = findings_of(screen);
    if (!findings) {
        canvas_put_text(canvas, area.x, area.y, area.width, "out of memory looking for findings", STYLE_WARNING);
        return;
    }
    size_t count = snag_findings_count(findings);
    if (count == 0) {
        canvas_put_text(canvas, area.x, area.y, area.width, "no findings", STYLE_DIM);
        return;
    }
    canvas_printf(canvas, area.x, area.y, area.width, STYLE_NORMAL, "%zu finding%s, most severe first", count,
                  count == 1 ? "" : "s");
    /* the list takes up to half the screen, the selected finding's stacks the rest */
    int visible = (area.height - 1) / 2 / LINES_PER_FINDING;
    if (visible < 1) visible = 1;
    if ((size_t)visible > count) visible = (int)count;
    int stacks_rows = area.height - 1 - visible * LINES_PER_FINDING;
    if (stacks_rows < MIN_STACKS_ROWS) {
        /* too short for both: the list alone, as long as it fits */
        stacks_rows = 0;
        visible = (area.height - 1) / LINES_PER_FINDING;
        if (visible < 1) visible = 1;
    }
    if (screen->selected < screen->first) screen->first = screen->selected;
    if (screen->selected >= screen->first + (size_t)visible) screen->first = screen->selected - (size_t)visible + 1;
    for (int shown = 0; shown < visible && screen->first + (size_t)shown < count; shown++) {
        size_t index = screen->first + (size_t)shown;
        draw_finding(screen, canvas, area, area.y + 1 + shown * LINES_PER_FINDING, snag_finding(findings, index),
                     index == screen->selected);
    }
    if (stacks_rows)
        draw_stacks_pane(screen, canvas,
                         (struct rect){area.x, area.y + area.height - stacks_rows, area.width, stacks_rows},
                         snag_finding(findings, screen->selected));
}

/* Another finding: its stacks from their start. */
static void select_finding(struct findings_screen *screen, size_t index)
{
    if (index != screen->selected) screen->stacks_first = 0;
    screen->selected = index;
}

static struct key_outcome findings_handle(struct screen *base, const struct input *input)
{
    struct findings_screen *screen = (struct findings_screen *)base;
    const struct snag_findings *findings = findings_of(screen);
    size_t count = findings ? snag_findings_count(findings) : 0;
    if (count == 0) return key_outcome(KEY_IGNORED);
    switch (input->key) {
    case 'j':
    case VK_DOWN:
        if (screen->selected + 1 < count) select_finding(screen, screen->selected + 1);
        break;
    case 'k':
    case VK_UP:
        if (screen->selected > 0) select_finding(screen, screen->selected - 1);
        break;
    case 'g':
    case VK_HOME: select_finding(screen, 0); break;
    case 'G':
    case VK_END: select_finding(screen, count - 1); break;
    /* the drawing brings a scroll past the end back in range */
    case 'J': screen->stacks_first++; break;
    case 'K':
        if (screen->stacks_first > 0) screen->stacks_first--;
        break;
    case VK_PAGE_DOWN: screen->stacks_first += screen->stacks_page > 1 ? screen->stacks_page - 1 : 1; break;
    case VK_PAGE_UP:
        screen->stacks_first -= screen->stacks_page > 1 ? screen->stacks_page - 1 : 1;
        if (screen->stacks_first < 0) screen->stacks_first = 0;
        break;
    case VK_ENTER: {
        const struct snag_finding *finding = snag_finding(findings, screen->selected);
        if (finding->thread_count) model_select_lane(base->model, finding->threads[0].thread);
        model_set_cursor(base->model, finding->time_ns);
        return key_show(SCREEN_TIMELINE);
    }
    default: return key_outcome(KEY_IGNORED);
    }
    return key_outcome(KEY_HANDLED);
}

static void findings_destroy(struct screen *base)
{
    struct findings_screen *screen = (struct findings_screen *)base;
    snag_findings_free(screen->findings);
    free(screen);
}

static const struct screen_class findings_class = {
    .name = "findings",
    .title = "Findings",
    .draw = findings_draw,
    .handle = findings_handle,
    .destroy = findings_destroy,
    .bindings = findings_bindings,
};

struct screen *findings_screen_new(struct model *model)
{
    struct findings_screen *screen = calloc(1, sizeof *screen);
    if (!screen) return NULL;
    screen->base.class = &findings_class;
    screen->base.model = model;
    return &screen->base;
}
