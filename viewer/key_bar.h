/* The bottom line: the keys of the screen shown and the global ones, as
 * htop's function bar, or a message when there is one. */
#ifndef SNAG_VIEWER_KEY_BAR_H
#define SNAG_VIEWER_KEY_BAR_H

#include "screen.h"

void key_bar_draw(struct canvas *canvas, int y, int width, const struct key_binding *screen_bindings,
                  const struct key_binding *global_bindings, const char *message, const char *right);

#endif
