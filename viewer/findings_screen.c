/* The findings screen: what the findings analysis (snag/findings.h) proves
 * or points at in the trace, most severe first; Enter shows the moment on
 * the timeline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "snag/findings.h"
#include "snag/findings_text.h"

struct findings_screen {
    struct screen base;
    struct snag_findings *findings; /* computed on first display */
    int computed;
    size_t selected, first;
    int visible;
};

static const struct key_binding findings_bindings[] = {
    {"j/k", "select", 1},
    {"Enter", "show on the timeline", 1},
    {NULL, NULL, 0},
};

/* A heading, then the finding's message wrapped over the lines left. */
#define LINES_PER_FINDING 4

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
    screen->visible = (area.height - 1) / LINES_PER_FINDING;
    if (screen->visible < 1) screen->visible = 1;
    if (screen->selected < screen->first) screen->first = screen->selected;
    if (screen->selected >= screen->first + (size_t)screen->visible)
        screen->first = screen->selected - (size_t)screen->visible + 1;
    for (int shown = 0; shown < screen->visible && screen->first + (size_t)shown < count; shown++) {
        size_t index = screen->first + (size_t)shown;
        draw_finding(screen, canvas, area, area.y + 1 + shown * LINES_PER_FINDING, snag_finding(findings, index),
                     index == screen->selected);
    }
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
        if (screen->selected + 1 < count) screen->selected++;
        break;
    case 'k':
    case VK_UP:
        if (screen->selected > 0) screen->selected--;
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
