/* The terminal (see terminal.h). */
#define _GNU_SOURCE
#define NCURSES_WIDECHAR 1
#include "terminal.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static SCREEN *terminal;
static volatile sig_atomic_t terminal_active;

static const int restoring_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define RESTORING_SIGNAL_COUNT (sizeof restoring_signals / sizeof restoring_signals[0])
static struct sigaction previous_actions[RESTORING_SIGNAL_COUNT];
static int handlers_installed;

/* How each style looks: a colour pair (0: none) and attributes. */
static short style_pairs[STYLE_COUNT];
static attr_t style_attributes[STYLE_COUNT];

static void restore_handlers(void)
{
    if (!handlers_installed) return;
    handlers_installed = 0;
    for (size_t index = 0; index < RESTORING_SIGNAL_COUNT; index++)
        sigaction(restoring_signals[index], &previous_actions[index], NULL);
}

void terminal_close(void)
{
    if (terminal_active) {
        terminal_active = 0;
        mousemask(0, NULL);
        endwin();
        delscreen(terminal);
        terminal = NULL;
    }
    restore_handlers();
}

static void on_fatal_signal(int number)
{
    int saved_errno = errno;
    /* The terminal first: whatever happens next, the user gets a shell back. */
    if (terminal_active) {
        terminal_active = 0;
        endwin();
    }
    for (size_t index = 0; index < RESTORING_SIGNAL_COUNT; index++)
        if (restoring_signals[index] == number) sigaction(number, &previous_actions[index], NULL);
    /* Pending until this handler returns; a fault re-executes and faults again. */
    raise(number);
    errno = saved_errno;
}

static void install_handlers(void)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    for (size_t index = 0; index < RESTORING_SIGNAL_COUNT; index++) {
        sigaction(restoring_signals[index], NULL, &previous_actions[index]);
        /* A signal ignored when we started (nohup) stays ignored. */
        if (previous_actions[index].sa_handler == SIG_IGN && !(previous_actions[index].sa_flags & SA_SIGINFO)) continue;
        sigaction(restoring_signals[index], &action, NULL);
    }
    handlers_installed = 1;
}

static void set_style(enum style style, short pair, attr_t attributes)
{
    style_pairs[style] = pair;
    style_attributes[style] = attributes;
}

_Static_assert(STYLE_STATE_FIRST + LANE_STATES <= STYLE_COUNT, "a style per lane state");

static void init_styles(int wanted)
{
    int colour = wanted && has_colors() && start_color() == OK;
    if (colour) use_default_colors();
    short next_pair = 1;
#define PAIR(foreground, background) (colour && init_pair(next_pair, foreground, background) == OK ? next_pair++ : 0)
    set_style(STYLE_NORMAL, 0, A_NORMAL);
    set_style(STYLE_DIM, 0, A_DIM);
    short bar = PAIR(COLOR_BLACK, COLOR_CYAN);
    set_style(STYLE_TITLE, bar, bar ? A_NORMAL : A_REVERSE);
    set_style(STYLE_STATUS, bar, bar ? A_NORMAL : A_REVERSE);
    short key = PAIR(COLOR_WHITE, COLOR_BLACK);
    set_style(STYLE_STATUS_KEY, key, A_BOLD);
    short header = PAIR(COLOR_WHITE, COLOR_BLUE);
    set_style(STYLE_HEADER, header, A_BOLD);
    set_style(STYLE_SELECTED, 0, A_REVERSE);
    short red = PAIR(COLOR_RED, -1);
    set_style(STYLE_WARNING, red, A_BOLD);
    short magenta = PAIR(COLOR_MAGENTA, -1);
    set_style(STYLE_MARK, magenta, A_BOLD);
    set_style(STYLE_STATE_FIRST + LANE_DEAD, 0, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_RUNNING, PAIR(COLOR_GREEN, -1), A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_HOLDING, PAIR(COLOR_YELLOW, -1), A_BOLD);
    short blue = PAIR(COLOR_BLUE, -1), cyan = PAIR(COLOR_CYAN, -1);
    set_style(STYLE_STATE_FIRST + LANE_WAIT_COND, cyan, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_WAIT_SEM, cyan, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_WAIT_BARRIER, cyan, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_WAIT_JOIN, blue, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_WAIT_LOCK, red, A_BOLD);
    /* OpenCL: a thread in a call; a queue idle, or busy on the device */
    short opencl = PAIR(COLOR_MAGENTA, -1);
    set_style(STYLE_STATE_FIRST + LANE_OPENCL, opencl, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_QUEUE_IDLE, 0, A_DIM);
    set_style(STYLE_STATE_FIRST + LANE_DEVICE_OTHER, opencl, A_NORMAL);
    set_style(STYLE_STATE_FIRST + LANE_DEVICE_TRANSFER, blue, A_BOLD);
    set_style(STYLE_STATE_FIRST + LANE_DEVICE_KERNEL, opencl, A_BOLD);
#undef PAIR
}

int terminal_open(int colour, char *error, size_t error_size)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(error, error_size, "needs a terminal (--dump prints a screen as text)");
        return -1;
    }
    /* Before curses: a signal during newterm still leaves a usable terminal. */
    install_handlers();
    terminal = newterm(NULL, stdout, stdin);
    if (!terminal) {
        restore_handlers();
        snprintf(error, error_size, "cannot use the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    terminal_active = 1;
    cbreak(); /* not raw: Ctrl-C still sends SIGINT, which restores the terminal */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    init_styles(colour);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    return 0;
}

void terminal_size(int *width, int *height)
{
    getmaxyx(stdscr, *height, *width);
}

void terminal_draw(const struct canvas *canvas)
{
    int width = canvas_width(canvas), height = canvas_height(canvas);
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++) {
            const struct cell *cell = canvas_cell(canvas, x, y);
            if (cell->flags & CELL_WIDE_TAIL) continue;
            wchar_t text[2] = {(wchar_t)cell->code, L'\0'};
            attr_t attributes = style_attributes[cell->style];
            if (cell->flags & CELL_REVERSE) attributes ^= A_REVERSE;
            if (cell->flags & CELL_BOLD) attributes |= A_BOLD;
            cchar_t character;
            if (setcchar(&character, text, attributes, style_pairs[cell->style], NULL) == OK)
                mvadd_wch(y, x, &character); /* the bottom-right cell reports ERR, yet is drawn */
        }
    wnoutrefresh(stdscr);
    doupdate();
}

static int map_function_key(wint_t key)
{
    switch (key) {
    case KEY_UP: return VK_UP;
    case KEY_DOWN: return VK_DOWN;
    case KEY_LEFT: return VK_LEFT;
    case KEY_RIGHT: return VK_RIGHT;
    case KEY_HOME: return VK_HOME;
    case KEY_END: return VK_END;
    case KEY_PPAGE: return VK_PAGE_UP;
    case KEY_NPAGE: return VK_PAGE_DOWN;
    case KEY_ENTER: return VK_ENTER;
    case KEY_BTAB: return VK_BACKTAB;
    case KEY_BACKSPACE: return VK_BACKSPACE;
    case KEY_F(1): return VK_F1;
    case KEY_RESIZE: return VK_RESIZE;
    default: return 0;
    }
}

int terminal_read(struct input *input, int timeout_ms)
{
    memset(input, 0, sizeof *input);
    wtimeout(stdscr, timeout_ms);
    wint_t key;
    int kind = wget_wch(stdscr, &key);
    if (kind == ERR) return timeout_ms < 0 ? -1 : 0; /* waiting for ever, yet nothing: the terminal is gone */
    if (kind == KEY_CODE_YES) {
        if (key == KEY_MOUSE) {
            MEVENT event;
            if (getmouse(&event) != OK) return 0;
            input->key = VK_MOUSE;
            input->x = event.x;
            input->y = event.y;
            input->button = (event.bstate & BUTTON4_PRESSED) ? 4 : (event.bstate & BUTTON5_PRESSED) ? 5 : 1;
            return 1;
        }
        input->key = map_function_key(key);
        return input->key != 0;
    }
    switch (key) {
    case 27: input->key = VK_ESCAPE; break;
    case '\r':
    case '\n': input->key = VK_ENTER; break;
    case '\t': input->key = VK_TAB; break;
    case 8:
    case 127: input->key = VK_BACKSPACE; break;
    default: input->key = (int)key; break;
    }
    return 1;
}
