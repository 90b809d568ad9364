/* The findings screen: what the findings analysis (snag/findings.h) proves
 * or points at in the trace, most severe first; Enter shows the moment on
 * the timeline. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "snag/findings.h"

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

#define LINES_PER_FINDING 3

static const struct snag_findings *findings_of(struct findings_screen *screen)
{
    if (!screen->computed) {
        screen->findings = snag_findings_compute(screen->base.model->trace);
        screen->computed = 1;
    }
    return screen->findings;
}

static int tid_of(const struct model *model, uint32_t thread)
{
    const struct snag_thread_info *info = model_thread(model, thread);
    return info ? info->tid : 0;
}

static const char *lock_of(struct model *model, const struct snag_finding *finding, char *out, size_t size)
{
    uint32_t object = object_table_find(model->objects, finding->process, finding->lock_class, finding->lock_address);
    if (object != OBJECT_NONE) snprintf(out, size, "%s", model_object_label(model, object));
    else snprintf(out, size, "%s at 0x%" PRIx64, snag_class_name(finding->lock_class), finding->lock_address);
    return out;
}

static void draw_finding(struct findings_screen *screen, struct canvas *canvas, struct rect area, int y,
                         const struct snag_finding *finding, int selected)
{
    struct model *model = screen->base.model;
    char when[32], lock[512], site[768];
    enum style style = selected ? STYLE_SELECTED : STYLE_NORMAL;
    canvas_fill(canvas, area.x, y, area.width, ' ', style);
    canvas_printf(canvas, area.x, y, area.width, style, "[%s] %s/%s at %s in pid %d, %u time%s",
                  snag_severity_name(finding->severity), finding->kind, finding->subkind,
                  model_time_text(finding->time_ns, when, sizeof when),
                  snag_trace_process(model->trace, finding->process)->pid, finding->occurrences,
                  finding->occurrences == 1 ? "" : "s");
    canvas_printf(canvas, area.x, y + 1, area.width, STYLE_NORMAL, "  thread %d %s while thread %d held %s (taken at %s)",
                  tid_of(model, finding->thread), strcmp(finding->kind, "fork_hazard") == 0 ? "forked" : "acted",
                  tid_of(model, finding->holder_thread),
                  lock_of(model, finding, lock, sizeof lock),
                  model_site_text(model, finding->process, finding->holder_site, site, sizeof site));
    if (finding->blocked_thread != SNAG_NO_INDEX && finding->child_process != SNAG_NO_INDEX)
        canvas_printf(canvas, area.x, y + 2, area.width, STYLE_NORMAL, "  then thread %d of pid %d blocked on it for good at %s",
                      tid_of(model, finding->blocked_thread),
                      snag_trace_process(model->trace, finding->child_process)->pid,
                      model_site_text(model, finding->child_process, finding->blocked_site, site, sizeof site));
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
        model_select_lane(base->model, finding->thread);
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
