/* snag view: the command. Opens and indexes the trace before anything
 * touches the terminal, then runs the screens on the terminal, or draws one
 * screen into a canvas and prints it (--dump), or measures (--bench). */
#define _GNU_SOURCE
#include "snag/view.h"

#include <getopt.h>
#include <inttypes.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "canvas.h"
#include "commands.h"
#include "model.h"
#include "screen_manager.h"
#include "snag/text.h"
#include "terminal.h"

#define DUMP_DEFAULT_WIDTH 80
#define DUMP_DEFAULT_HEIGHT 24
#define BENCH_DEFAULT_WIDTH 200
#define BENCH_DEFAULT_HEIGHT 60
/* While replaying, the screen moves on this often. */
#define PLAY_FRAME_MS 40

struct view_options {
    const char *path;
    int dump, bench;
    int width, height;
    int has_at;
    uint64_t at_ns;
    long lane;
    const char *screen;
    const char *keys;
    int no_colour;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: snag view [--no-color] [TRACE]\n"
            "       snag view --dump [--size WxH] [--at TIME_NS] [--lane N] [--screen NAME] [--keys KEYS] [TRACE]\n"
            "       snag view --bench [--size WxH] [TRACE]\n"
            "\n"
            "Shows a trace (default %s) in the terminal: a timeline with one lane per\n"
            "thread and per OpenCL command queue, what each thread holds and waits for\n"
            "at the cursor, the locks table, the findings, and details of each event.\n"
            "Press ? in it for the keys.\n"
            "\n"
            "  --no-color      no colours (also when NO_COLOR is set): the glyphs tell the\n"
            "                  states apart\n"
            "  --dump          print one screen as text instead, without a terminal\n"
            "  --size WxH      its size (default %dx%d; --bench: %dx%d)\n"
            "  --at TIME_NS    put the cursor there (nanoseconds since the trace's start)\n"
            "  --lane N        select lane N (0 = the first, in the timeline's order)\n"
            "  --screen NAME   timeline (default), locks, findings, details or help\n"
            "  --keys KEYS     press these keys first: characters, and <Left> <Right> <Up>\n"
            "                  <Down> <Home> <End> <PgUp> <PgDn> <Enter> <Esc> <Tab> <Space>\n"
            "                  <Click:X,Y>\n"
            "  --bench         time opening the trace and redrawing after keys; print the\n"
            "                  figures, peak memory and the trace's size\n"
            "\n"
            "Exit status: 0; 1 when it cannot run (no terminal, out of memory); 2 for a bad\n"
            "command line; 3 when the trace cannot be read (then nothing touched the terminal).\n",
            SNAG_DEFAULT_TRACE, DUMP_DEFAULT_WIDTH, DUMP_DEFAULT_HEIGHT, BENCH_DEFAULT_WIDTH, BENCH_DEFAULT_HEIGHT);
}

static int parse_number(const char *text, uint64_t *value)
{
    char *end;
    if (!text[0] || text[0] == '-') return -1;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (*end) return -1;
    *value = parsed;
    return 0;
}

static int parse_options(int argc, char **argv, struct view_options *options)
{
    static const struct option long_options[] = {
        {"dump", no_argument, NULL, 'd'},         {"bench", no_argument, NULL, 'b'},
        {"size", required_argument, NULL, 's'},   {"at", required_argument, NULL, 't'},
        {"lane", required_argument, NULL, 'l'},   {"screen", required_argument, NULL, 'S'},
        {"keys", required_argument, NULL, 'k'},   {"help", no_argument, NULL, 'h'},
        {"no-color", no_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    memset(options, 0, sizeof *options);
    options->lane = -1;
    int option;
    uint64_t number;
    while ((option = getopt_long(argc, argv, "+h", long_options, NULL)) != -1) {
        switch (option) {
        case 'd': options->dump = 1; break;
        case 'b': options->bench = 1; break;
        case 's':
            if (sscanf(optarg, "%dx%d", &options->width, &options->height) != 2 || options->width < 20 ||
                options->height < 5 || options->width > 2000 || options->height > 1000) {
                fprintf(stderr, "snag view: --size takes WIDTHxHEIGHT, at least 20x5 and at most 2000x1000\n");
                return SNAG_EXIT_USAGE;
            }
            break;
        case 't':
            if (parse_number(optarg, &options->at_ns)) {
                fprintf(stderr, "snag view: --at takes a time in nanoseconds\n");
                return SNAG_EXIT_USAGE;
            }
            options->has_at = 1;
            break;
        case 'l':
            if (parse_number(optarg, &number) || number > UINT32_MAX) {
                fprintf(stderr, "snag view: --lane takes a lane number\n");
                return SNAG_EXIT_USAGE;
            }
            options->lane = (long)number;
            break;
        case 'S': options->screen = optarg; break;
        case 'k': options->keys = optarg; break;
        case 'C': options->no_colour = 1; break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return SNAG_EXIT_USAGE;
        }
    }
    if (optind + 1 < argc) {
        usage(stderr);
        return SNAG_EXIT_USAGE;
    }
    if ((options->screen || options->keys) && !options->dump) {
        fprintf(stderr, "snag view: --screen and --keys go with --dump\n");
        return SNAG_EXIT_USAGE;
    }
    if (options->dump && options->bench) {
        fprintf(stderr, "snag view: --dump or --bench, not both\n");
        return SNAG_EXIT_USAGE;
    }
    options->path = optind < argc ? argv[optind] : SNAG_DEFAULT_TRACE;
    if (!options->width) {
        options->width = options->bench ? BENCH_DEFAULT_WIDTH : DUMP_DEFAULT_WIDTH;
        options->height = options->bench ? BENCH_DEFAULT_HEIGHT : DUMP_DEFAULT_HEIGHT;
    }
    return 0;
}

/* The next key of a --keys string; 0 at its end, -1 if it is malformed. */
static int next_key(const char **keys, struct input *input)
{
    static const struct {
        const char *name;
        int key;
    } names[] = {
        {"Up", VK_UP},         {"Down", VK_DOWN},     {"Left", VK_LEFT},       {"Right", VK_RIGHT},
        {"Home", VK_HOME},     {"End", VK_END},       {"PgUp", VK_PAGE_UP},    {"PgDn", VK_PAGE_DOWN},
        {"Enter", VK_ENTER},   {"Esc", VK_ESCAPE},    {"Tab", VK_TAB},         {"BackTab", VK_BACKTAB},
        {"Backspace", VK_BACKSPACE}, {"F1", VK_F1},   {"Space", ' '},          {"lt", '<'},
    };
    memset(input, 0, sizeof *input);
    const char *at = *keys;
    if (!*at) return 0;
    if (*at == '<') {
        const char *close = strchr(at, '>');
        size_t length = close ? (size_t)(close - at - 1) : 0;
        for (size_t index = 0; close && index < sizeof names / sizeof names[0]; index++)
            if (strlen(names[index].name) == length && strncmp(at + 1, names[index].name, length) == 0) {
                input->key = names[index].key;
                *keys = close + 1;
                return 1;
            }
        if (close && strncmp(at + 1, "Click:", 6) == 0) {
            if (sscanf(at + 7, "%d,%d", &input->x, &input->y) != 2) return -1;
            input->key = VK_MOUSE;
            input->button = 1;
            *keys = close + 1;
            return 1;
        }
    }
    input->key = (unsigned char)*at;
    *keys = at + 1;
    return 1;
}

static double now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static int run_dump(struct screen_manager *manager, const struct view_options *options)
{
    struct canvas *canvas = canvas_new(options->width, options->height);
    if (!canvas) {
        fprintf(stderr, "snag view: out of memory\n");
        return SNAG_EXIT_FAILURE;
    }
    screen_manager_draw(manager, canvas); /* lays the screen out: the keys may depend on it */
    const char *keys = options->keys ? options->keys : "";
    struct input input;
    int status = 0, got;
    while ((got = next_key(&keys, &input)) > 0) {
        if (screen_manager_handle(manager, &input)) break;
        screen_manager_draw(manager, canvas);
    }
    if (got < 0) {
        fprintf(stderr, "snag view: --keys: cannot read the key at \"%.20s\"\n", keys);
        status = SNAG_EXIT_USAGE;
    } else {
        screen_manager_draw(manager, canvas);
        canvas_print(canvas, stdout);
        if (fflush(stdout) != 0) status = SNAG_EXIT_FAILURE;
    }
    canvas_free(canvas);
    return status;
}

static int run_terminal(struct model *model, struct screen_manager *manager, int colour)
{
    char error[256];
    if (terminal_open(colour, error, sizeof error)) {
        fprintf(stderr, "snag view: %s\n", error);
        return SNAG_EXIT_FAILURE;
    }
    struct canvas *canvas = canvas_new(80, 24);
    if (!canvas) {
        terminal_close();
        fprintf(stderr, "snag view: out of memory\n");
        return SNAG_EXIT_FAILURE;
    }
    int quit = 0;
    double last = now_ms();
    while (!quit) {
        int width, height;
        terminal_size(&width, &height);
        if (canvas_resize(canvas, width, height)) break;
        screen_manager_draw(manager, canvas);
        terminal_draw(canvas);
        struct input input;
        int got = terminal_read(&input, model->playing ? PLAY_FRAME_MS : -1);
        double now = now_ms();
        if (model->playing) model_play_advance(model, (uint64_t)((now - last) * 1e6));
        last = now;
        if (got < 0) quit = 1;
        else if (got && input.key != VK_RESIZE) quit = screen_manager_handle(manager, &input);
    }
    terminal_close();
    canvas_free(canvas);
    return 0;
}

static uint64_t trace_bytes(const struct model *model)
{
    uint64_t bytes = 0;
    for (size_t index = 0; index < snag_trace_process_count(model->trace); index++) {
        struct stat status;
        if (stat(snag_trace_process(model->trace, index)->file, &status) == 0) bytes += (uint64_t)status.st_size;
    }
    return bytes;
}

/* Times a key and the redraw after it. */
static double timed_key(struct screen_manager *manager, struct canvas *canvas, int key)
{
    struct input input = {.key = key};
    double start = now_ms();
    screen_manager_handle(manager, &input);
    screen_manager_draw(manager, canvas);
    return now_ms() - start;
}

static int run_bench(const struct view_options *options)
{
    char error[1024], safe[1100];
    double start = now_ms();
    struct model *model = model_open(options->path, error, sizeof error);
    double open_ms = now_ms() - start;
    if (!model) {
        fprintf(stderr, "snag: %s\n", snag_text_sanitize(error, safe, sizeof safe));
        return SNAG_EXIT_BAD_TRACE;
    }
    struct screen_manager *manager = screen_manager_new(model);
    struct canvas *canvas = canvas_new(options->width, options->height);
    if (!manager || !canvas) {
        fprintf(stderr, "snag view: out of memory\n");
        screen_manager_free(manager);
        canvas_free(canvas);
        model_free(model);
        return SNAG_EXIT_FAILURE;
    }
    start = now_ms();
    screen_manager_draw(manager, canvas);
    double first_draw_ms = now_ms() - start;
    /* Timeline keys: zoom in to single events and out again, move, step, select. */
    static const int timeline_keys[] = {
        '+', '+', 'l', 'e', ']', 'j', '+', '+', '+', '+', '+', '+', '+', '+', 'e', 'E', '[', 'h', 'H', 'L',
        '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', 'G', 'g', 'f', 'k', VK_END, '0', '+', ' ', ' ', 'd',
        VK_ESCAPE,
    };
    size_t key_count = sizeof timeline_keys / sizeof timeline_keys[0];
    double total = 0, worst = 0;
    for (size_t index = 0; index < key_count; index++) {
        double spent = timed_key(manager, canvas, timeline_keys[index]);
        total += spent;
        if (spent > worst) worst = spent;
    }
    /* Details at the end of the trace: they read the selected thread's events again from its start. */
    timed_key(manager, canvas, 'G');
    timed_key(manager, canvas, 'j');
    double details_ms = timed_key(manager, canvas, 'd');
    timed_key(manager, canvas, VK_ESCAPE);
    double locks_first_ms = timed_key(manager, canvas, '2'); /* computes the lock statistics */
    double sort_ms = timed_key(manager, canvas, 'c');
    double mark_ms = timed_key(manager, canvas, VK_ENTER); /* marks the lock's events on every lane */
    double marked_timeline_ms = timed_key(manager, canvas, '1');
    double marked_zoom_ms = timed_key(manager, canvas, '+');
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    uint64_t file_bytes = trace_bytes(model), peak = (uint64_t)usage.ru_maxrss * 1024;
    printf("trace_bytes %" PRIu64 "\n", file_bytes);
    printf("events %" PRIu64 "\n", snag_trace_event_count(model->trace));
    printf("threads %zu\n", snag_trace_thread_count(model->trace));
    printf("lanes %zu\n", model_lane_count(model));
    printf("open_ms %.1f\n", open_ms);
    printf("index_bytes %zu\n", lane_index_bytes(model->lanes) + object_table_bytes(model->objects));
    printf("summary_bucket_ns %" PRIu64 "\n", lane_index_bucket_ns(model->lanes));
    printf("peak_rss_bytes %" PRIu64 "\n", peak);
    printf("peak_rss_per_trace_byte %.2f\n", file_bytes ? (double)peak / (double)file_bytes : 0.0);
    printf("size %dx%d\n", options->width, options->height);
    printf("first_draw_ms %.2f\n", first_draw_ms);
    printf("redraw_after_key_ms_mean %.2f\n", total / (double)key_count);
    printf("redraw_after_key_ms_max %.2f\n", worst);
    printf("details_at_the_end_ms %.1f\n", details_ms);
    printf("locks_screen_first_draw_ms %.1f\n", locks_first_ms);
    printf("locks_sort_ms %.2f\n", sort_ms);
    printf("mark_lock_ms %.1f\n", mark_ms);
    printf("marked_timeline_draw_ms %.2f\n", marked_timeline_ms);
    printf("marked_zoom_ms %.2f\n", marked_zoom_ms);
    screen_manager_free(manager);
    canvas_free(canvas);
    model_free(model);
    return fflush(stdout) == 0 ? 0 : SNAG_EXIT_FAILURE;
}

int snag_view_main(int argc, char **argv)
{
    struct view_options options;
    int status = parse_options(argc, argv, &options);
    if (status) return status < 0 ? 0 : status;
    setlocale(LC_ALL, "");
    canvas_set_unicode(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
    if (options.bench) return run_bench(&options);

    char error[1024], safe[1100];
    struct model *model = model_open(options.path, error, sizeof error);
    if (!model) {
        fprintf(stderr, "snag: %s\n", snag_text_sanitize(error, safe, sizeof safe));
        return SNAG_EXIT_BAD_TRACE;
    }
    if (options.lane >= 0 && (size_t)options.lane >= model_lane_count(model)) {
        if (model_lane_count(model) == 0) fprintf(stderr, "snag view: --lane %ld: the trace has no lanes\n", options.lane);
        else
            fprintf(stderr, "snag view: --lane %ld: the trace has %zu lanes (0 to %zu)\n", options.lane,
                    model_lane_count(model), model_lane_count(model) - 1);
        model_free(model);
        return SNAG_EXIT_USAGE;
    }
    if (options.lane >= 0) model_select_shown_lane(model, (size_t)options.lane);
    if (options.has_at) model_set_cursor(model, options.at_ns);
    struct screen_manager *manager = screen_manager_new(model);
    if (!manager) {
        fprintf(stderr, "snag view: out of memory\n");
        model_free(model);
        return SNAG_EXIT_FAILURE;
    }
    if (options.screen && screen_manager_show_named(manager, options.screen)) {
        fprintf(stderr, "snag view: --screen %s: no such screen (timeline, locks, findings, details, help)\n",
                snag_text_sanitize(options.screen, safe, sizeof safe));
        status = SNAG_EXIT_USAGE;
    } else {
        /* https://no-color.org: NO_COLOR set and not empty turns colours off */
        const char *no_color = getenv("NO_COLOR");
        int colour = !options.no_colour && !(no_color && no_color[0]);
        status = options.dump ? run_dump(manager, &options) : run_terminal(model, manager, colour);
    }
    screen_manager_free(manager);
    model_free(model);
    return status;
}
