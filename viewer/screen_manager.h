/* Holds the screens, shows one at a time between the title line and the
 * key bar, routes keys to it and handles what it leaves (quit, help,
 * switching screens). */
#ifndef SNAG_VIEWER_SCREEN_MANAGER_H
#define SNAG_VIEWER_SCREEN_MANAGER_H

#include "screen.h"

extern const struct key_binding screen_manager_bindings[];

struct screen_manager;

struct screen_manager *screen_manager_new(struct model *model);
void screen_manager_free(struct screen_manager *manager);

/* Shows the screen named `name` ("timeline", "locks", ...); -1 if there is none. */
int screen_manager_show_named(struct screen_manager *manager, const char *name);
/* Draws everything, sized to the canvas. */
void screen_manager_draw(struct screen_manager *manager, struct canvas *canvas);
/* 1 when the user asked to quit. */
int screen_manager_handle(struct screen_manager *manager, const struct input *input);

#endif
