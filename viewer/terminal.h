/* The real terminal, through ncursesw: shows a canvas, reads keys and mouse
 * clicks. The terminal is given back as it was on every way out: a normal
 * quit, SIGINT/SIGTERM/SIGHUP/SIGQUIT, and a crash (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGABRT): the handlers end curses, then re-raise the signal with
 * the disposition it had before (so the exit status, core dump or
 * sanitizer report is the one it would have been). */
#ifndef SNAG_VIEWER_TERMINAL_H
#define SNAG_VIEWER_TERMINAL_H

#include <stddef.h>

#include "screen.h"

/* 0, or -1 with a message (no terminal, unknown TERM). Without `colour`
 * (--no-color, NO_COLOR) styles are attributes only: bold, dim, reverse. */
int terminal_open(int colour, char *error, size_t error_size);
/* Idempotent; safe from a signal handler's point of view (it is what they call). */
void terminal_close(void);
void terminal_size(int *width, int *height);
void terminal_draw(const struct canvas *canvas);
/* Waits up to timeout_ms (-1: for ever) for a key or click: 1, 0 on
 * timeout, -1 when the terminal is gone (end of input). */
int terminal_read(struct input *input, int timeout_ms);

#endif
