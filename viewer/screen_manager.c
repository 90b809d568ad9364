/* The screen manager (see screen_manager.h). */
#include "screen_manager.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "key_bar.h"
#include "snag/text.h"

const struct key_binding screen_manager_bindings[] = {
    {"q", "quit", 1},
    {"?", "help", 1},
    {"Tab", "next screen", 1},
    {"1 2 3", "timeline, locks, findings", 0},
    {"Esc", "back (help, details)", 0},
    {NULL, NULL, 0},
};

struct screen_manager {
    struct model *model;
    struct screen *screens[SCREEN_COUNT];
    enum screen_id current, previous;
    int prompting;       /* `/` was pressed: keys edit the search on the key bar's line */
    char prompt[128];
};

struct screen_manager *screen_manager_new(struct model *model)
{
    struct screen_manager *manager = calloc(1, sizeof *manager);
    if (!manager) return NULL;
    manager->model = model;
    manager->screens[SCREEN_TIMELINE] = timeline_screen_new(model);
    manager->screens[SCREEN_LOCKS] = locks_screen_new(model);
    manager->screens[SCREEN_FINDINGS] = findings_screen_new(model);
    manager->screens[SCREEN_DETAILS] = details_screen_new(model);
    const struct screen_class *classes[SCREEN_HELP];
    for (int id = 0; id < SCREEN_HELP; id++) classes[id] = manager->screens[id] ? manager->screens[id]->class : NULL;
    manager->screens[SCREEN_HELP] = help_screen_new(model, classes, SCREEN_HELP);
    for (int id = 0; id < SCREEN_COUNT; id++)
        if (!manager->screens[id]) {
            screen_manager_free(manager);
            return NULL;
        }
    return manager;
}

void screen_manager_free(struct screen_manager *manager)
{
    if (!manager) return;
    for (int id = 0; id < SCREEN_COUNT; id++)
        if (manager->screens[id]) manager->screens[id]->class->destroy(manager->screens[id]);
    free(manager);
}

static void show(struct screen_manager *manager, enum screen_id id)
{
    if (id == manager->current) return;
    /* Help and details are looked at and left: Esc goes back to where they came from. */
    if (manager->current != SCREEN_HELP && manager->current != SCREEN_DETAILS) manager->previous = manager->current;
    manager->current = id;
}

int screen_manager_show_named(struct screen_manager *manager, const char *name)
{
    for (int id = 0; id < SCREEN_COUNT; id++)
        if (strcmp(manager->screens[id]->class->name, name) == 0) {
            show(manager, (enum screen_id)id);
            return 0;
        }
    return -1;
}

static void draw_title(struct screen_manager *manager, struct canvas *canvas, int width)
{
    const struct snag_trace *trace = manager->model->trace;
    canvas_fill(canvas, 0, 0, width, ' ', STYLE_TITLE);
    char tabs[128], duration[32], processes[64], rest[128], path[512];
    size_t used = 0;
    for (int id = 0; id <= SCREEN_FINDINGS; id++) {
        const char *title = manager->screens[id]->class->title;
        int shown = (int)manager->current == id;
        used += (size_t)snprintf(tabs + used, sizeof tabs - used, "%s%s%s", shown ? "[" : " ", title, shown ? "]" : " ");
    }
    size_t process_count = snag_trace_process_count(trace), threads = snag_trace_thread_count(trace);
    snprintf(processes, sizeof processes, "%zu process%s, ", process_count, process_count == 1 ? "" : "es");
    size_t queues = model_lane_count(manager->model) - threads;
    char queue_count[64] = "";
    if (queues) snprintf(queue_count, sizeof queue_count, "%zu OpenCL queue%s, ", queues, queues == 1 ? "" : "s");
    snprintf(rest, sizeof rest, "%zu thread%s, %s%" PRIu64 " events, %s", threads, threads == 1 ? "" : "s", queue_count,
             snag_trace_event_count(trace), model_time_text(model_end_ns(manager->model), duration, sizeof duration));
    snag_text_sanitize(manager->model->path, path, sizeof path);
    /* What gives way when the line is short: the process count, then the screens' names. */
    int fixed = canvas_text_width("snag view  | ") + canvas_text_width(rest);
    int path_width = canvas_text_width(path) < 30 ? canvas_text_width(path) : 30;
    int show_processes = fixed + path_width + canvas_text_width(processes) + canvas_text_width(tabs) <= width;
    int show_tabs = fixed + path_width + canvas_text_width(tabs) <= width;
    int end = width;
    if (show_tabs) {
        end = width - canvas_text_width(tabs);
        canvas_put_text(canvas, end, 0, width - end, tabs, STYLE_TITLE);
    }
    int summary_width = canvas_text_width(rest) + (show_processes ? canvas_text_width(processes) : 0) + 3;
    int x = canvas_put_text(canvas, 0, 0, end, "snag view ", STYLE_TITLE);
    int path_room = end - x - summary_width - 1;
    x += canvas_put_text(canvas, x, 0, path_room > 8 ? path_room : 8, path, STYLE_TITLE);
    canvas_printf(canvas, x, 0, end - x - 1, STYLE_TITLE, " | %s%s", show_processes ? processes : "", rest);
}

void screen_manager_draw(struct screen_manager *manager, struct canvas *canvas)
{
    int width = canvas_width(canvas), height = canvas_height(canvas);
    canvas_clear(canvas);
    struct screen *screen = manager->screens[manager->current];
    if (height < 3 || width < 20) {
        canvas_put_text(canvas, 0, 0, width, "window too small", STYLE_WARNING);
        return;
    }
    draw_title(manager, canvas, width);
    screen->class->draw(screen, canvas, (struct rect){0, 1, width, height - 2});
    if (manager->prompting) {
        canvas_fill(canvas, 0, height - 1, width, ' ', STYLE_STATUS);
        int x = canvas_put_text(canvas, 0, height - 1, width, "/", STYLE_STATUS_KEY);
        x += canvas_put_text(canvas, x, height - 1, width - x - 1, manager->prompt, STYLE_STATUS);
        canvas_put_text(canvas, x, height - 1, width - x, "_  (Enter: search, Esc: cancel)", STYLE_STATUS);
        return;
    }
    char right[256] = "", speed[32], search[160];
    size_t used = 0;
    const struct model *model = manager->model;
    if (model->playing)
        used += (size_t)snprintf(right + used, sizeof right - used, "PLAYING %s/s ",
                                 model_time_text(model->play_ns_per_second, speed, sizeof speed));
    if (model->search[0] && screen->class->searches)
        used += (size_t)snprintf(right + used, sizeof right - used, "/%s ",
                                 snag_text_sanitize(model->search, search, sizeof search));
    if (model->filter != FILTER_NONE && manager->current == SCREEN_TIMELINE)
        snprintf(right + used, sizeof right - used, "%s: %zu of %zu lanes ",
                 model->filter == FILTER_MATCHES ? "matching" : "one process", model_shown_lane_count(model),
                 model_lane_count(model));
    key_bar_draw(canvas, height - 1, width, screen->class->bindings, screen_manager_bindings, screen->message, right);
}

/* Keys while the search prompt is open. */
static void edit_prompt(struct screen_manager *manager, struct screen *screen, const struct input *input)
{
    size_t length = strlen(manager->prompt);
    if (input->key == VK_ESCAPE) {
        manager->prompting = 0;
    } else if (input->key == VK_BACKSPACE || input->key == 0x7f || input->key == 0x08) {
        if (length) manager->prompt[length - 1] = '\0';
        else manager->prompting = 0;
    } else if (input->key == VK_ENTER) {
        manager->prompting = 0;
        model_set_search(manager->model, manager->prompt);
        struct input search = {.key = VK_SEARCH};
        screen->class->handle(screen, &search);
    } else if (input->key >= 0x20 && input->key < 0x7f && length + 1 < sizeof manager->prompt) {
        manager->prompt[length] = (char)input->key; /* printable ASCII: what names and labels are searched for */
        manager->prompt[length + 1] = '\0';
    }
}

int screen_manager_handle(struct screen_manager *manager, const struct input *input)
{
    struct screen *screen = manager->screens[manager->current];
    screen->message[0] = '\0';
    if (manager->prompting) {
        edit_prompt(manager, screen, input);
        return 0;
    }
    if (input->key == '/' && screen->class->searches) {
        manager->prompting = 1;
        manager->prompt[0] = '\0';
        return 0;
    }
    struct key_outcome outcome = screen->class->handle(screen, input);
    if (outcome.result == KEY_IGNORED) {
        switch (input->key) {
        case 'q':
        case 'Q': return 1;
        case '?':
        case VK_F1: outcome = key_show(SCREEN_HELP); break;
        case VK_TAB: outcome = key_show(manager->current >= SCREEN_FINDINGS ? SCREEN_TIMELINE
                                                                : (enum screen_id)(manager->current + 1));
            break;
        case VK_BACKTAB:
            outcome = key_show(manager->current == SCREEN_TIMELINE || manager->current > SCREEN_FINDINGS
                                   ? SCREEN_FINDINGS
                                   : (enum screen_id)(manager->current - 1));
            break;
        case '1': outcome = key_show(SCREEN_TIMELINE); break;
        case '2': outcome = key_show(SCREEN_LOCKS); break;
        case '3': outcome = key_show(SCREEN_FINDINGS); break;
        case VK_ESCAPE:
        case VK_BACKSPACE: outcome = key_outcome(KEY_BACK); break;
        default: break;
        }
    }
    if (outcome.result == KEY_SHOW) show(manager, outcome.screen);
    else if (outcome.result == KEY_BACK && (manager->current == SCREEN_HELP || manager->current == SCREEN_DETAILS))
        manager->current = manager->previous;
    return 0;
}
