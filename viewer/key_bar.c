/* The key bar (see key_bar.h). */
#include "key_bar.h"

#include <string.h>

static int draw_bindings(struct canvas *canvas, int x, int y, int end, const struct key_binding *bindings)
{
    for (const struct key_binding *binding = bindings; binding && binding->keys; binding++) {
        if (!binding->in_key_bar) continue;
        int need = canvas_text_width(binding->keys) + canvas_text_width(binding->what) + 2;
        if (x + need > end) break;
        x += canvas_put_text(canvas, x, y, end - x, binding->keys, STYLE_STATUS_KEY);
        x += canvas_put_text(canvas, x, y, end - x, ":", STYLE_STATUS);
        x += canvas_put_text(canvas, x, y, end - x, binding->what, STYLE_STATUS);
        x += canvas_put_text(canvas, x, y, end - x, " ", STYLE_STATUS);
    }
    return x;
}

void key_bar_draw(struct canvas *canvas, int y, int width, const struct key_binding *screen_bindings,
                  const struct key_binding *global_bindings, const char *message, const char *right)
{
    canvas_fill(canvas, 0, y, width, ' ', STYLE_STATUS);
    int end = width;
    if (right && right[0]) {
        int right_width = canvas_text_width(right);
        if (right_width < width / 2) {
            end = width - right_width - 1;
            canvas_put_text(canvas, end + 1, y, right_width, right, STYLE_STATUS_KEY);
        }
    }
    if (message && message[0]) {
        canvas_put_text(canvas, 0, y, end, message, STYLE_STATUS);
        return;
    }
    /* Global keys first: q and ? must always be visible, even at 80 columns. */
    int x = draw_bindings(canvas, 0, y, end, global_bindings);
    draw_bindings(canvas, x, y, end, screen_bindings);
}
