/* The panel beside (or under) the timeline: every thread's state at the
 * cursor, what it holds, what it waits for and who holds that: the
 * wait-for graph at that instant, with a deadlock's cycle named. */
#ifndef SNAG_VIEWER_STATE_PANEL_H
#define SNAG_VIEWER_STATE_PANEL_H

#include "screen.h"

void state_panel_draw(struct model *model, struct canvas *canvas, struct rect area);
/* The legend of the timeline's glyphs, one line. */
const char *state_panel_legend(const struct model *model);

#endif
