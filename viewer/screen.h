/* A screen of the viewer: a "class" (struct screen_class, a table of
 * functions, as htop's Object) and its instances. Each screen draws only
 * itself, into the area of the canvas it is given, and handles its own keys;
 * what it does not handle, the screen manager does (global keys). */
#ifndef SNAG_VIEWER_SCREEN_H
#define SNAG_VIEWER_SCREEN_H

#include "canvas.h"
#include "model.h"

/* Keys, whatever produced them (the terminal or `--dump --keys`): a
 * character, or one of these. */
enum view_key {
    VK_UP = 0x110000, /* above every Unicode code point */
    VK_DOWN,
    VK_LEFT,
    VK_RIGHT,
    VK_HOME,
    VK_END,
    VK_PAGE_UP,
    VK_PAGE_DOWN,
    VK_ENTER,
    VK_ESCAPE,
    VK_TAB,
    VK_BACKTAB,
    VK_BACKSPACE,
    VK_F1,
    VK_RESIZE,
    VK_MOUSE, /* a click or wheel step at (x, y) */
    VK_SEARCH, /* a search was just entered (model->search): go to its first match */
};

struct input {
    int key;
    int x, y;   /* for VK_MOUSE */
    int button; /* 1: click, 4: wheel up, 5: wheel down */
};

struct rect {
    int x, y, width, height;
};

enum screen_id { SCREEN_TIMELINE, SCREEN_LOCKS, SCREEN_FINDINGS, SCREEN_DETAILS, SCREEN_HELP, SCREEN_COUNT };

enum key_result {
    KEY_IGNORED, /* not this screen's: the manager tries its global keys */
    KEY_HANDLED,
    KEY_SHOW,    /* switch to outcome.screen */
    KEY_BACK,    /* back to the screen before */
};

struct key_outcome {
    enum key_result result;
    enum screen_id screen;
};

/* One line of the key bar and the help screen. */
struct key_binding {
    const char *keys;
    const char *what;
    int in_key_bar; /* short enough and important enough for the bottom line */
};

struct screen;

struct screen_class {
    const char *name; /* as `--screen` takes it */
    const char *title;
    void (*draw)(struct screen *screen, struct canvas *canvas, struct rect area);
    struct key_outcome (*handle)(struct screen *screen, const struct input *input);
    void (*destroy)(struct screen *screen);
    const struct key_binding *bindings; /* ends with {NULL} */
    int searches; /* `/` edits the search, then the screen gets VK_SEARCH */
};

/* Every screen struct starts with this. */
struct screen {
    const struct screen_class *class;
    struct model *model;
    char message[160]; /* one line of feedback for the key bar, cleared on the next key */
};

static inline struct key_outcome key_outcome(enum key_result result)
{
    return (struct key_outcome){result, SCREEN_TIMELINE};
}

static inline struct key_outcome key_show(enum screen_id screen)
{
    return (struct key_outcome){KEY_SHOW, screen};
}

/* The screens (one .c each). */
struct screen *timeline_screen_new(struct model *model);
struct screen *locks_screen_new(struct model *model);
struct screen *findings_screen_new(struct model *model);
struct screen *details_screen_new(struct model *model);
struct screen *help_screen_new(struct model *model, const struct screen_class *const *classes, int class_count);

#endif
