/* The offscreen character grid (see canvas.h). */
#define _GNU_SOURCE
#include "canvas.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "snag/text.h"

struct canvas {
    int width, height;
    struct cell *cells;
};

static int unicode_enabled;

void canvas_set_unicode(int enabled) { unicode_enabled = enabled; }

struct canvas *canvas_new(int width, int height)
{
    struct canvas *canvas = calloc(1, sizeof *canvas);
    if (!canvas) return NULL;
    if (canvas_resize(canvas, width, height)) {
        free(canvas);
        return NULL;
    }
    return canvas;
}

void canvas_free(struct canvas *canvas)
{
    if (!canvas) return;
    free(canvas->cells);
    free(canvas);
}

int canvas_resize(struct canvas *canvas, int width, int height)
{
    if (width < 1) width = 1;
    if (height < 1) height = 1;
    if (width != canvas->width || height != canvas->height) {
        struct cell *cells = calloc((size_t)width * (size_t)height, sizeof *cells);
        if (!cells) return -1;
        free(canvas->cells);
        canvas->cells = cells;
        canvas->width = width;
        canvas->height = height;
    }
    canvas_clear(canvas);
    return 0;
}

int canvas_width(const struct canvas *canvas) { return canvas->width; }
int canvas_height(const struct canvas *canvas) { return canvas->height; }

void canvas_clear(struct canvas *canvas)
{
    size_t count = (size_t)canvas->width * (size_t)canvas->height;
    for (size_t index = 0; index < count; index++) canvas->cells[index] = (struct cell){' ', STYLE_NORMAL, 0};
}

const struct cell *canvas_cell(const struct canvas *canvas, int x, int y)
{
    if (x < 0 || y < 0 || x >= canvas->width || y >= canvas->height) return NULL;
    return &canvas->cells[(size_t)y * (size_t)canvas->width + (size_t)x];
}

static struct cell *cell_at(struct canvas *canvas, int x, int y)
{
    return (struct cell *)canvas_cell(canvas, x, y);
}

void canvas_put_char(struct canvas *canvas, int x, int y, uint32_t code, enum style style)
{
    struct cell *cell = cell_at(canvas, x, y);
    if (!cell) return;
    /* Overwriting half of a double-width character blanks its other half. */
    if (cell->flags & CELL_WIDE_TAIL) {
        struct cell *head = cell_at(canvas, x - 1, y);
        if (head) head->code = ' ';
    }
    struct cell *next = cell_at(canvas, x + 1, y);
    if (next && (next->flags & CELL_WIDE_TAIL)) *next = (struct cell){' ', next->style, 0};
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) code = '?'; /* never a control character */
    *cell = (struct cell){code, (uint8_t)style, 0};
}

void canvas_set_flags(struct canvas *canvas, int x, int y, unsigned flags)
{
    struct cell *cell = cell_at(canvas, x, y);
    if (cell) cell->flags |= (uint8_t)flags;
}

void canvas_fill(struct canvas *canvas, int x, int y, int width, uint32_t code, enum style style)
{
    for (int column = 0; column < width; column++) canvas_put_char(canvas, x + column, y, code, style);
}

/* Decodes one UTF-8 character; 0 for an invalid byte (then *code is the byte). */
static size_t decode_utf8(const unsigned char *bytes, uint32_t *code)
{
    unsigned char lead = bytes[0];
    size_t length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3
                                    : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    *code = lead;
    if (length <= 1) return length;
    uint32_t point = lead & (0x7fu >> length);
    for (size_t index = 1; index < length; index++) {
        if ((bytes[index] & 0xc0) != 0x80) return 0;
        point = (point << 6) | (bytes[index] & 0x3fu);
    }
    if ((length == 3 && point < 0x800) || (length == 4 && (point < 0x10000 || point > 0x10ffff)) ||
        (point >= 0xd800 && point <= 0xdfff))
        return 0;
    *code = point;
    return length;
}

/* Columns a code point takes when shown as itself, or 0 if it must be
 * escaped (controls, zero-width and format characters, no UTF-8 terminal). */
static int display_width(uint32_t code)
{
    if (code < 0x20 || code == 0x7f) return 0;
    if (code < 0x7f) return 1;
    if (!unicode_enabled || code < 0xa0) return 0;
    int width = wcwidth((wchar_t)code);
    return width > 0 ? width : 0;
}

/* Walks the text as it will be drawn: (code, width) per cell-taking unit;
 * escapes come out as their ASCII characters. */
static int put_or_measure(struct canvas *canvas, int x, int y, int max_width, const char *text, enum style style)
{
    const unsigned char *bytes = (const unsigned char *)(text ? text : "");
    int used = 0;
    while (*bytes) {
        uint32_t code;
        size_t length = decode_utf8(bytes, &code);
        int width = length ? display_width(code) : 0;
        if (width > 0) {
            if (used + width > max_width) break;
            if (canvas) {
                canvas_put_char(canvas, x + used, y, code, style);
                if (width == 2) {
                    canvas_put_char(canvas, x + used + 1, y, ' ', style);
                    struct cell *tail = cell_at(canvas, x + used + 1, y);
                    if (tail) tail->flags |= CELL_WIDE_TAIL;
                }
            }
            used += width;
            bytes += length;
            continue;
        }
        char escape[16];
        if (length == 0) snprintf(escape, sizeof escape, "\\x%02x", *bytes);
        else snprintf(escape, sizeof escape, "\\u%04x", (unsigned)code);
        int escape_width = (int)strlen(escape);
        if (used + escape_width > max_width) break;
        if (canvas)
            for (int index = 0; index < escape_width; index++)
                canvas_put_char(canvas, x + used + index, y, (unsigned char)escape[index], style);
        used += escape_width;
        bytes += length ? length : 1;
    }
    return used;
}

int canvas_put_text(struct canvas *canvas, int x, int y, int max_width, const char *text, enum style style)
{
    if (max_width <= 0) return 0;
    return put_or_measure(canvas, x, y, max_width, text, style);
}

int canvas_text_width(const char *text)
{
    return put_or_measure(NULL, 0, 0, 1 << 30, text, STYLE_NORMAL);
}

int canvas_put_untrusted(struct canvas *canvas, int x, int y, int max_width, const char *text, enum style style)
{
    char safe[1024];
    snag_text_sanitize(text, safe, sizeof safe);
    return canvas_put_text(canvas, x, y, max_width, safe, style);
}

int canvas_printf(struct canvas *canvas, int x, int y, int max_width, enum style style, const char *format, ...)
{
    char text[2048];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text, sizeof text, format, arguments);
    va_end(arguments);
    return canvas_put_text(canvas, x, y, max_width, text, style);
}

static void put_utf8(uint32_t code, FILE *out)
{
    if (code < 0x80) {
        fputc((int)code, out);
    } else if (code < 0x800) {
        fputc((int)(0xc0 | (code >> 6)), out);
        fputc((int)(0x80 | (code & 0x3f)), out);
    } else if (code < 0x10000) {
        fputc((int)(0xe0 | (code >> 12)), out);
        fputc((int)(0x80 | ((code >> 6) & 0x3f)), out);
        fputc((int)(0x80 | (code & 0x3f)), out);
    } else {
        fputc((int)(0xf0 | (code >> 18)), out);
        fputc((int)(0x80 | ((code >> 12) & 0x3f)), out);
        fputc((int)(0x80 | ((code >> 6) & 0x3f)), out);
        fputc((int)(0x80 | (code & 0x3f)), out);
    }
}

void canvas_print(const struct canvas *canvas, FILE *out)
{
    for (int y = 0; y < canvas->height; y++) {
        int end = canvas->width;
        while (end > 0 && canvas_cell(canvas, end - 1, y)->code == ' ' &&
               !(canvas_cell(canvas, end - 1, y)->flags & CELL_WIDE_TAIL))
            end--;
        for (int x = 0; x < end; x++) {
            const struct cell *cell = canvas_cell(canvas, x, y);
            if (!(cell->flags & CELL_WIDE_TAIL)) put_utf8(cell->code, out);
        }
        fputc('\n', out);
    }
}
