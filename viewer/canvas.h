/* An offscreen grid of character cells that every screen draws into. The
 * terminal shows it (terminal.c); `snag view --dump` prints it as text.
 *
 * Text is UTF-8. The canvas never stores a control character: anything that
 * is not printable (C0/C1 controls, DEL, zero-width and format characters
 * such as bidirectional overrides) is written as a visible escape, so even
 * a string that escaped snag_text_sanitize cannot reach the terminal as a
 * command. Text from a trace still goes through canvas_put_untrusted, which
 * sanitises it first. */
#ifndef SNAG_VIEWER_CANVAS_H
#define SNAG_VIEWER_CANVAS_H

#include <stdint.h>
#include <stdio.h>

/* What a cell looks like; terminal.c maps styles to colours. */
enum style {
    STYLE_NORMAL,
    STYLE_DIM,
    STYLE_TITLE,      /* the top line */
    STYLE_HEADER,     /* process lines, table headers */
    STYLE_SELECTED,   /* the selected lane's label, the selected row */
    STYLE_STATUS,     /* the key bar */
    STYLE_STATUS_KEY, /* a key in it */
    STYLE_WARNING,
    STYLE_MARK,       /* timeline cells where the marked lock is used */
    /* one per lane state, in enum lane_state order */
    STYLE_STATE_FIRST,
    STYLE_COUNT = STYLE_STATE_FIRST + 16 /* one per enum lane_state (lane_index.h) */
};

#define CELL_REVERSE 0x1u   /* drawn in reverse video (the cursor column) */
#define CELL_BOLD 0x2u
#define CELL_WIDE_TAIL 0x4u /* right half of a double-width character */

struct cell {
    uint32_t code;  /* Unicode code point */
    uint8_t style;  /* enum style */
    uint8_t flags;  /* CELL_* */
};

struct canvas;

struct canvas *canvas_new(int width, int height);
void canvas_free(struct canvas *canvas);
/* Resizes (contents are cleared); 0 or -1 when out of memory. */
int canvas_resize(struct canvas *canvas, int width, int height);
int canvas_width(const struct canvas *canvas);
int canvas_height(const struct canvas *canvas);
void canvas_clear(struct canvas *canvas);
const struct cell *canvas_cell(const struct canvas *canvas, int x, int y);

/* Whether non-ASCII characters may be shown as themselves (a UTF-8 locale);
 * otherwise they are escaped. Set once, from the locale. */
void canvas_set_unicode(int enabled);

void canvas_put_char(struct canvas *canvas, int x, int y, uint32_t code, enum style style);
void canvas_set_flags(struct canvas *canvas, int x, int y, unsigned flags);
void canvas_fill(struct canvas *canvas, int x, int y, int width, uint32_t code, enum style style);
/* Draws UTF-8 text (ours, or already sanitised) from (x, y), at most
 * max_width columns; returns the columns used. */
int canvas_put_text(struct canvas *canvas, int x, int y, int max_width, const char *text, enum style style);
/* The same for text that comes from a trace: sanitised first. */
int canvas_put_untrusted(struct canvas *canvas, int x, int y, int max_width, const char *text, enum style style);
int canvas_printf(struct canvas *canvas, int x, int y, int max_width, enum style style, const char *format, ...)
    __attribute__((format(printf, 6, 7)));
/* Columns the text would take. */
int canvas_text_width(const char *text);

/* Prints the grid as plain UTF-8 text, one line per row, trailing blanks trimmed. */
void canvas_print(const struct canvas *canvas, FILE *out);

#endif
