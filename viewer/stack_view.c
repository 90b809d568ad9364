/* Stacks on the canvas (see stack_view.h). */
#include "stack_view.h"

#include "snag/names.h"

size_t stack_view_draw(struct model *model, struct canvas *canvas, int x, int y, int width, uint32_t process,
                       uint32_t stack_id, size_t skip, int rows)
{
    struct snag_names *names = model_names(model);
    if (!names || !stack_id) return 0;
    struct snag_stack_frame frames[SNAG_NAMES_STACK_MAX_FRAMES];
    size_t count = snag_names_stack(names, process, stack_id, frames, SNAG_NAMES_STACK_MAX_FRAMES);
    for (size_t frame = skip; frame < count && (int)(frame - skip) < rows; frame++) {
        char text[1024];
        /* sanitised by the names module; the canvas escapes anything left */
        canvas_put_text(canvas, x, y + (int)(frame - skip), width,
                        snag_names_stack_frame_text(&frames[frame], text, sizeof text), STYLE_NORMAL);
    }
    return count;
}
