/* The help screen (`?`): every screen's keys and what the timeline's
 * glyphs mean. */
#include <stdlib.h>

#include "screen.h"
#include "screen_manager.h"

struct help_screen {
    struct screen base;
    const struct screen_class *classes[SCREEN_COUNT];
    int class_count;
    int first_line, line_count, visible;
};

static const struct key_binding help_bindings[] = {
    {"Esc ?", "back", 1},
    {"j/k PgUp/PgDn", "scroll", 1},
    {"g/G Home/End", "top, bottom", 0},
    {NULL, NULL, 0},
};

/* Draws (or, with canvas NULL, counts) the help text from line `first`. */
static int help_lines(struct help_screen *screen, struct canvas *canvas, struct rect area)
{
    int line = 0;
#define LINE(style, ...)                                                                                              \
    do {                                                                                                              \
        int y = area.y + line - screen->first_line;                                                                   \
        if (canvas && y >= area.y && y < area.y + area.height)                                                        \
            canvas_printf(canvas, area.x, y, area.width, style, __VA_ARGS__);                                         \
        line++;                                                                                                       \
    } while (0)
    LINE(STYLE_HEADER, "snag view: what threads do with their locks, over time");
    LINE(STYLE_NORMAL, " ");
    LINE(STYLE_HEADER, "Everywhere");
    for (const struct key_binding *binding = screen_manager_bindings; binding->keys; binding++)
        LINE(STYLE_NORMAL, "  %-14s %s", binding->keys, binding->what);
    for (int index = 0; index < screen->class_count; index++) {
        const struct screen_class *class = screen->classes[index];
        if (!class) continue;
        LINE(STYLE_NORMAL, " ");
        LINE(STYLE_HEADER, "%s", class->title);
        for (const struct key_binding *binding = class->bindings; binding->keys; binding++)
            LINE(STYLE_NORMAL, "  %-14s %s", binding->keys, binding->what);
    }
    LINE(STYLE_NORMAL, " ");
    LINE(STYLE_HEADER, "Timeline cells: the most telling state of each thread or queue in that slice, however brief");
    for (int state = 0; state < LANE_STATES; state++) {
        int y = area.y + line - screen->first_line;
        if (canvas && y >= area.y && y < area.y + area.height) {
            canvas_put_char(canvas, area.x + 3, y, (unsigned char)lane_state_glyph((enum lane_state)state),
                            (enum style)(STYLE_STATE_FIRST + state));
            canvas_printf(canvas, area.x + 5, y, area.width - 5, STYLE_NORMAL, "%s%s",
                          lane_state_name((enum lane_state)state), state == LANE_DEAD ? " (blank)" : "");
        }
        line++;
    }
    {
        int y = area.y + line - screen->first_line;
        if (canvas && y >= area.y && y < area.y + area.height) {
            canvas_put_char(canvas, area.x + 3, y, '*', STYLE_MARK);
            canvas_put_text(canvas, area.x + 5, y, area.width - 5,
                            "the lock chosen on the locks screen (Enter) is used in that slice", STYLE_NORMAL);
        }
        line++;
    }
    LINE(STYLE_NORMAL, " ");
    LINE(STYLE_NORMAL, "The panel beside or under the timeline shows the instant under the cursor:");
    LINE(STYLE_NORMAL, "what each thread holds, what it waits for and who holds that.");
    LINE(STYLE_NORMAL, " ");
    LINE(STYLE_NORMAL, "Without colours: snag view --no-color, or NO_COLOR set in the environment.");
#undef LINE
    return line;
}

static void help_draw(struct screen *base, struct canvas *canvas, struct rect area)
{
    struct help_screen *screen = (struct help_screen *)base;
    screen->line_count = help_lines(screen, NULL, area);
    /* Taller than the screen: the last line says where the view is and how to scroll. */
    int scrolls = screen->line_count > area.height && area.height > 1;
    struct rect text = area;
    if (scrolls) text.height--;
    screen->visible = text.height;
    if (screen->first_line > screen->line_count - text.height)
        screen->first_line = screen->line_count > text.height ? screen->line_count - text.height : 0;
    help_lines(screen, canvas, text);
    if (scrolls)
        canvas_printf(canvas, area.x, area.y + text.height, area.width, STYLE_DIM,
                      "-- lines %d-%d of %d: j/k, arrows, PgUp/PgDn, g/G to scroll --", screen->first_line + 1,
                      screen->first_line + text.height, screen->line_count);
}

static struct key_outcome help_handle(struct screen *base, const struct input *input)
{
    struct help_screen *screen = (struct help_screen *)base;
    switch (input->key) {
    case 'j':
    case VK_DOWN: screen->first_line++; break;
    case 'k':
    case VK_UP:
        if (screen->first_line > 0) screen->first_line--;
        break;
    case VK_PAGE_DOWN: screen->first_line += screen->visible > 1 ? screen->visible - 1 : 1; break;
    case VK_PAGE_UP:
        screen->first_line -= screen->visible > 1 ? screen->visible - 1 : 1;
        if (screen->first_line < 0) screen->first_line = 0;
        break;
    case 'g':
    case VK_HOME: screen->first_line = 0; break;
    case 'G':
    case VK_END: screen->first_line = screen->line_count; break; /* the drawing stops at the last line */
    case '?':
    case VK_F1:
    case VK_ENTER: return key_outcome(KEY_BACK);
    default: return key_outcome(KEY_IGNORED);
    }
    return key_outcome(KEY_HANDLED);
}

static void help_destroy(struct screen *base)
{
    free(base);
}

static const struct screen_class help_class = {
    .name = "help",
    .title = "Help",
    .draw = help_draw,
    .handle = help_handle,
    .destroy = help_destroy,
    .bindings = help_bindings,
};

struct screen *help_screen_new(struct model *model, const struct screen_class *const *classes, int class_count)
{
    struct help_screen *screen = calloc(1, sizeof *screen);
    if (!screen) return NULL;
    screen->base.class = &help_class;
    screen->base.model = model;
    for (int index = 0; index < class_count && index < SCREEN_COUNT; index++) screen->classes[index] = classes[index];
    screen->class_count = class_count < SCREEN_COUNT ? class_count : SCREEN_COUNT;
    return &screen->base;
}
