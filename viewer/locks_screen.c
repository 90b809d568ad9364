/* The locks screen: `snag report`'s table of locks (and condvars, barriers),
 * sortable; Enter shows the selected one's call sites and marks its events
 * on the timeline. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "snag/text.h"

enum sort_key { SORT_WAIT, SORT_HOLD, SORT_ACQUISITIONS, SORT_CONTENTION };

struct locks_screen {
    struct screen base;
    enum sort_key sort;
    size_t *order; /* lockstats indexes in display order */
    size_t count;
    size_t selected, first; /* positions in order */
    int sites_shown;
    int visible_rows;
    char **labels; /* per lockstats index, on first display */
};

static const struct key_binding locks_bindings[] = {
    {"j/k", "select", 1},
    {"Enter", "call sites, mark", 1},
    {"w h a c", "sort", 1},
    {"/ n/N", "search", 1},
    {"/", "search locks by label (Enter: first match)", 0},
    {"n/N", "next/previous lock matching the search", 0},
    {"w", "sort by total wait time", 0},
    {"h", "sort by total hold time", 0},
    {"a", "sort by acquisitions", 0},
    {"c", "sort by contended acquisitions", 0},
    {"u", "unmark the lock", 0},
    {"Enter again", "the timeline, with the lock's events marked *", 0},
    {NULL, NULL, 0},
};

static uint64_t sort_value(const struct snag_lock_stats *lock, enum sort_key key)
{
    switch (key) {
    case SORT_HOLD: return lock->hold_ns_total;
    case SORT_ACQUISITIONS: return lock->acquisitions;
    case SORT_CONTENTION: return lock->contended;
    default: return lock->wait_ns_total;
    }
}

static int compare_locks(const void *left, const void *right, void *context)
{
    struct locks_screen *screen = context;
    const struct snag_lockstats *stats = model_lockstats(screen->base.model);
    size_t a = *(const size_t *)left, b = *(const size_t *)right;
    uint64_t va = sort_value(snag_lockstats_lock(stats, a), screen->sort);
    uint64_t vb = sort_value(snag_lockstats_lock(stats, b), screen->sort);
    if (va != vb) return va > vb ? -1 : 1;
    return a < b ? -1 : a > b; /* then the report's order */
}

/* Computes the statistics on first use and sorts. 0, or -1 when out of memory. */
static int prepare(struct locks_screen *screen)
{
    const struct snag_lockstats *stats = model_lockstats(screen->base.model);
    if (!stats) return -1;
    if (!screen->order) {
        screen->count = snag_lockstats_lock_count(stats);
        screen->order = calloc(screen->count ? screen->count : 1, sizeof *screen->order);
        screen->labels = calloc(screen->count ? screen->count : 1, sizeof *screen->labels);
        if (!screen->order || !screen->labels) {
            free(screen->order);
            free(screen->labels);
            screen->order = NULL;
            screen->labels = NULL;
            return -1;
        }
        for (size_t index = 0; index < screen->count; index++) screen->order[index] = index;
    }
    return 0;
}

static void sort_by(struct locks_screen *screen, enum sort_key key)
{
    size_t selected = screen->count ? screen->order[screen->selected] : 0;
    screen->sort = key;
    if (screen->count > 1) qsort_r(screen->order, screen->count, sizeof *screen->order, compare_locks, screen);
    for (size_t position = 0; position < screen->count; position++)
        if (screen->order[position] == selected) screen->selected = position; /* the selection stays on its lock */
}

static const char *label_of(struct locks_screen *screen, size_t index)
{
    if (!screen->labels[index]) {
        struct model *model = screen->base.model;
        const struct snag_lock_stats *lock = snag_lockstats_lock(model_lockstats(model), index);
        char label[600], text[640];
        model_lock_label(model, lock, label, sizeof label);
        if (snag_trace_process_count(model->trace) > 1)
            snprintf(text, sizeof text, "%s [pid %d]", label, snag_trace_process(model->trace, lock->process)->pid);
        else snprintf(text, sizeof text, "%s", label);
        screen->labels[index] = strdup(text);
    }
    return screen->labels[index] ? screen->labels[index] : "?";
}

static void draw_row(struct canvas *canvas, int x, int y, int width, int label_width, int wide, enum style style,
                     const char *type, const char *label, const char *const figures[6])
{
    canvas_fill(canvas, x, y, width, ' ', style);
    canvas_put_text(canvas, x, y, 9, type, style);
    int at = x + 9;
    canvas_put_text(canvas, at, y, label_width - 1, label, style);
    at += label_width;
    for (int column = 0; column < 6; column++) {
        if (!wide && (column == 3 || column == 5)) continue; /* the maxima, where there is room */
        int figure_width = canvas_text_width(figures[column]);
        canvas_put_text(canvas, at + 10 - figure_width, y, figure_width, figures[column], style);
        at += 11;
    }
}

static void locks_draw(struct screen *base, struct canvas *canvas, struct rect area)
{
    struct locks_screen *screen = (struct locks_screen *)base;
    struct model *model = base->model;
    if (prepare(screen)) {
        canvas_put_text(canvas, area.x, area.y, area.width, "out of memory computing the lock statistics", STYLE_WARNING);
        return;
    }
    static const char *const sort_names[] = {"total wait time", "total hold time", "acquisitions", "contended acquisitions"};
    canvas_printf(canvas, area.x, area.y, area.width, STYLE_NORMAL,
                  "%zu locks, condvars, semaphores and barriers, by %s",
                  screen->count, sort_names[screen->sort]);
    if (screen->count == 0) {
        canvas_put_text(canvas, area.x, area.y + 2, area.width, "(the program used none)", STYLE_DIM);
        return;
    }
    int wide = area.width >= 110;
    int label_width = area.width - 9 - (wide ? 6 : 4) * 11;
    if (label_width < 10) label_width = 10;
    static const char *const headers[6] = {"ACQUIRED", "CONTENDED", "WAIT", "WAIT MAX", "HOLD", "HOLD MAX"};
    draw_row(canvas, area.x, area.y + 1, area.width, label_width, wide, STYLE_HEADER, "TYPE", "LOCK", headers);

    const struct snag_lockstats *stats = model_lockstats(model);
    const struct snag_lock_stats *chosen = snag_lockstats_lock(stats, screen->order[screen->selected]);
    int sites_height = 0;
    if (screen->sites_shown) {
        sites_height = (int)chosen->site_count + 2;
        if (sites_height > (area.height - 2) / 2) sites_height = (area.height - 2) / 2;
    }
    screen->visible_rows = area.height - 2 - sites_height;
    if (screen->visible_rows < 1) screen->visible_rows = 1;
    if (screen->selected < screen->first) screen->first = screen->selected;
    if (screen->selected >= screen->first + (size_t)screen->visible_rows)
        screen->first = screen->selected - (size_t)screen->visible_rows + 1;
    uint32_t mark = model_mark(model);
    for (int line = 0; line < screen->visible_rows; line++) {
        size_t position = screen->first + (size_t)line;
        if (position >= screen->count) break;
        size_t index = screen->order[position];
        const struct snag_lock_stats *lock = snag_lockstats_lock(stats, index);
        char acquired[24], contended[24], wait[32], wait_max[32], hold[32], hold_max[32], type[16];
        snprintf(acquired, sizeof acquired, "%" PRIu64, lock->acquisitions);
        snprintf(contended, sizeof contended, "%" PRIu64, lock->contended);
        const char *figures[6] = {acquired, contended, snag_text_duration(lock->wait_ns_total, wait, sizeof wait),
                                  snag_text_duration(lock->wait_ns_max, wait_max, sizeof wait_max),
                                  snag_text_duration(lock->hold_ns_total, hold, sizeof hold),
                                  snag_text_duration(lock->hold_ns_max, hold_max, sizeof hold_max)};
        int marked = mark != OBJECT_NONE && model_lock_object(model, lock) == mark;
        snprintf(type, sizeof type, "%s%s", marked ? "*" : "", snag_class_name(lock->object_class));
        draw_row(canvas, area.x, area.y + 2 + line, area.width, label_width, wide,
                 position == screen->selected ? STYLE_SELECTED : STYLE_NORMAL, type, label_of(screen, index), figures);
    }
    if (!screen->sites_shown || sites_height < 2) return;
    int y = area.y + area.height - sites_height;
    canvas_fill(canvas, area.x, y, area.width, ' ', STYLE_HEADER);
    canvas_printf(canvas, area.x, y, area.width, STYLE_HEADER, "Call sites of %s (%zu)%s",
                  label_of(screen, screen->order[screen->selected]), chosen->site_count,
                  model_mark(model) == model_lock_object(model, chosen) ? ", its events marked * on the timeline" : "");
    for (size_t site = 0; site < chosen->site_count && (int)site < sites_height - 1; site++) {
        const struct snag_site_stats *entry = &chosen->sites[site];
        char where[768], waited[32];
        if ((int)site == sites_height - 2 && site + 1 < chosen->site_count) {
            canvas_printf(canvas, area.x, y + 1 + (int)site, area.width, STYLE_DIM, "  ... and %zu more",
                          chosen->site_count - site);
            break;
        }
        model_site_text(model, chosen->process, entry->site, where, sizeof where);
        int figures_width = 33;
        canvas_printf(canvas, area.x, y + 1 + (int)site, area.width - figures_width - 1, STYLE_NORMAL, "  at %s", where);
        canvas_printf(canvas, area.x + area.width - figures_width, y + 1 + (int)site, figures_width, STYLE_NORMAL,
                      "%10" PRIu64 " %10" PRIu64 " %10s", entry->acquisitions, entry->contended,
                      snag_text_duration(entry->wait_ns_total, waited, sizeof waited));
    }
}

/* Selects the next (direction > 0), previous (< 0) lock whose label
 * matches the search, wrapping around, or the first from the selected one
 * on (0). 1 if found. */
static int find_lock(struct locks_screen *screen, int direction)
{
    for (size_t step = direction == 0 ? 0 : 1; step <= screen->count; step++) {
        size_t position = direction < 0 ? (screen->selected + screen->count - step % screen->count) % screen->count
                                        : (screen->selected + step) % screen->count;
        if (model_text_matches(screen->base.model, label_of(screen, screen->order[position]))) {
            screen->selected = position;
            return 1;
        }
    }
    return 0;
}

static struct key_outcome locks_handle(struct screen *base, const struct input *input)
{
    struct locks_screen *screen = (struct locks_screen *)base;
    struct model *model = base->model;
    if (prepare(screen) || screen->count == 0) return key_outcome(KEY_IGNORED);
    size_t last = screen->count - 1;
    size_t page = screen->visible_rows > 1 ? (size_t)screen->visible_rows - 1 : 1;
    switch (input->key) {
    case 'j':
    case VK_DOWN:
        if (screen->selected < last) screen->selected++;
        break;
    case 'k':
    case VK_UP:
        if (screen->selected > 0) screen->selected--;
        break;
    case VK_PAGE_DOWN: screen->selected = screen->selected + page < last ? screen->selected + page : last; break;
    case VK_PAGE_UP: screen->selected = screen->selected > page ? screen->selected - page : 0; break;
    case 'g':
    case VK_HOME: screen->selected = 0; break;
    case 'G':
    case VK_END: screen->selected = last; break;
    case 'w': sort_by(screen, SORT_WAIT); break;
    case 'h': sort_by(screen, SORT_HOLD); break;
    case 'a': sort_by(screen, SORT_ACQUISITIONS); break;
    case 'c': sort_by(screen, SORT_CONTENTION); break;
    case 'u': model_set_mark(model, OBJECT_NONE); break;
    case 'n':
    case 'N':
    case VK_SEARCH:
        if (!model->search[0]) snprintf(base->message, sizeof base->message, "no search: / to search locks");
        else if (!find_lock(screen, input->key == 'n' ? 1 : input->key == 'N' ? -1 : 0))
            snprintf(base->message, sizeof base->message, "no lock matches the search");
        break;
    case VK_ENTER: {
        const struct snag_lock_stats *lock = snag_lockstats_lock(model_lockstats(model), screen->order[screen->selected]);
        uint32_t object = model_lock_object(model, lock);
        if (screen->sites_shown && object != OBJECT_NONE && model_mark(model) == object)
            return key_show(SCREEN_TIMELINE);
        screen->sites_shown = 1;
        if (object != OBJECT_NONE) model_set_mark(model, object);
        break;
    }
    case VK_ESCAPE:
        if (!screen->sites_shown) return key_outcome(KEY_IGNORED);
        screen->sites_shown = 0;
        break;
    default: return key_outcome(KEY_IGNORED);
    }
    return key_outcome(KEY_HANDLED);
}

static void locks_destroy(struct screen *base)
{
    struct locks_screen *screen = (struct locks_screen *)base;
    if (screen->labels)
        for (size_t index = 0; index < screen->count; index++) free(screen->labels[index]);
    free(screen->labels);
    free(screen->order);
    free(screen);
}

static const struct screen_class locks_class = {
    .name = "locks",
    .title = "Locks",
    .draw = locks_draw,
    .handle = locks_handle,
    .destroy = locks_destroy,
    .bindings = locks_bindings,
    .searches = 1,
};

struct screen *locks_screen_new(struct model *model)
{
    struct locks_screen *screen = calloc(1, sizeof *screen);
    if (!screen) return NULL;
    screen->base.class = &locks_class;
    screen->base.model = model;
    return &screen->base;
}
