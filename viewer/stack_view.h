/* A captured stack (snag/stacks.h) drawn on the canvas, one frame a row as
 * "function (file:line)", innermost first, inlined calls expanded: how the
 * details screen shows an event's stack and the findings screen a
 * finding's. */
#ifndef SNAG_VIEWER_STACK_VIEW_H
#define SNAG_VIEWER_STACK_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "model.h"

/* Draws frames [skip, skip + rows) of stack `stack_id` of `process` from
 * (x, y), each cut to `width` columns; rows <= 0 draws nothing (canvas may
 * then be NULL). Returns how many frames the stack has, drawn or not (0 for
 * an unknown stack, or when out of memory for names): a scrolled view lays
 * itself out with it. */
size_t stack_view_draw(struct model *model, struct canvas *canvas, int x, int y, int width, uint32_t process,
                       uint32_t stack_id, size_t skip, int rows);

#endif
