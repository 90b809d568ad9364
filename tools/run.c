/* snag run: runs a program with libsnag.so preloaded into a fresh trace
 * directory, waits for it, records how it ended, and exits as it did. */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#include "commands.h"
#include "hang_monitor.h"
#include "snag/exit_status.h"
#include "snag/format.h"
#include "snag/text.h"

#ifndef SNAG_RELATIVE_LIBDIR
#define SNAG_RELATIVE_LIBDIR "../lib/snag"
#endif

static uint64_t clock_ns(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* ---- the run's clock: the same source the shim will pick ---- */

struct run_clock {
    int use_tsc;
    uint64_t hz;
    uint64_t start_raw, start_monotonic_ns, start_realtime_ns;
};

static uint64_t raw_clock(const struct run_clock *clock)
{
#if defined(__x86_64__) || defined(__i386__)
    if (clock->use_tsc) return __rdtsc();
#endif
    (void)clock;
    return clock_ns(CLOCK_MONOTONIC);
}

static void calibrate(struct run_clock *clock)
{
    memset(clock, 0, sizeof *clock);
    clock->hz = 1000000000u;
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax, ebx, ecx, edx;
    if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) && eax >= 0x80000007u) {
        __get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx);
        clock->use_tsc = (edx >> 8) & 1u;
    }
    if (clock->use_tsc) {
        /* 20 ms: a rate good to ~1e-5 for short runs; long runs are
         * re-measured from start to end. */
        uint64_t mono0 = clock_ns(CLOCK_MONOTONIC), tsc0 = __rdtsc(), mono1, tsc1;
        struct timespec pause = {0, 20000000};
        nanosleep(&pause, NULL);
        mono1 = clock_ns(CLOCK_MONOTONIC);
        tsc1 = __rdtsc();
        clock->hz = (uint64_t)((double)(tsc1 - tsc0) * 1e9 / (double)(mono1 - mono0));
    }
#endif
    clock->start_raw = raw_clock(clock);
    clock->start_monotonic_ns = clock_ns(CLOCK_MONOTONIC);
    clock->start_realtime_ns = clock_ns(CLOCK_REALTIME);
}

/* ---- finding the program and the shim ---- */

static int find_program(const char *name, char *path, size_t size)
{
    if (strchr(name, '/')) {
        snprintf(path, size, "%s", name);
        return access(path, F_OK) == 0 ? 0 : -1;
    }
    const char *search = getenv("PATH");
    if (!search || !*search) search = "/usr/local/bin:/usr/bin:/bin";
    while (*search) {
        const char *end = strchrnul(search, ':');
        int length = (int)(end - search);
        snprintf(path, size, "%.*s%s%s", length, search, length ? "/" : "", name);
        struct stat status;
        if (stat(path, &status) == 0 && S_ISREG(status.st_mode) && access(path, X_OK) == 0) return 0;
        search = *end ? end + 1 : end;
    }
    return -1;
}

/* Why LD_PRELOAD cannot reach `path`, or NULL if it can. Follows one "#!". */
static const char *why_untraceable(const char *path, int depth)
{
    struct stat status;
    if (stat(path, &status) != 0) return NULL; /* exec will say */
    if (((status.st_mode & S_ISUID) && status.st_uid != geteuid()) ||
        ((status.st_mode & S_ISGID) && status.st_gid != getegid()))
        return "it is set-user-ID or set-group-ID, and the loader ignores LD_PRELOAD for such programs";
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    unsigned char head[256];
    ssize_t got = read(fd, head, sizeof head - 1);
    if (got < 0) got = 0;
    head[got] = '\0';
    const char *reason = NULL;
    if (got >= 2 && head[0] == '#' && head[1] == '!' && depth == 0) {
        char interpreter[256];
        if (sscanf((const char *)head + 2, " %255s", interpreter) == 1) reason = why_untraceable(interpreter, 1);
    } else if (got >= (ssize_t)sizeof(Elf64_Ehdr) && memcmp(head, ELFMAG, SELFMAG) == 0 &&
               head[EI_CLASS] == ELFCLASS64) {
        Elf64_Ehdr header;
        memcpy(&header, head, sizeof header);
        int dynamic = 0;
        for (unsigned index = 0; index < header.e_phnum && index < 256; index++) {
            Elf64_Phdr segment;
            if (pread(fd, &segment, sizeof segment, (off_t)(header.e_phoff + index * header.e_phentsize)) !=
                (ssize_t)sizeof segment)
                break;
            if (segment.p_type == PT_INTERP) dynamic = 1;
        }
        if (!dynamic)
            reason = "it is statically linked, so no dynamic loader runs to preload libsnag.so; "
                     "rebuild it dynamically linked to trace it";
    }
    close(fd);
    return reason;
}

static int find_shim(char *path, size_t size)
{
    const char *override = getenv("SNAG_LIBRARY");
    if (override && *override) {
        snprintf(path, size, "%s", override);
        return access(path, R_OK) == 0 ? 0 : -1;
    }
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length <= 0) return -1;
    self[length] = '\0';
    char *slash = strrchr(self, '/');
    if (!slash) return -1;
    *slash = '\0';
    /* installed layout first, then the build tree (build/bin/snag, build/lib/libsnag.so) */
    const char *candidates[] = {SNAG_RELATIVE_LIBDIR, "../lib"};
    for (size_t index = 0; index < sizeof candidates / sizeof candidates[0]; index++) {
        char candidate[PATH_MAX + 64];
        snprintf(candidate, sizeof candidate, "%s/%s/libsnag.so", self, candidates[index]);
        if (access(candidate, R_OK) == 0 && realpath(candidate, path)) return 0;
    }
    (void)size;
    return -1;
}

/* ---- the trace directory ---- */

/* Does the file start with one of snag's magics (or is it empty: a process
 * that died creating it)? */
static int is_snag_file(int directory, const char *name)
{
    int fd = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return 0;
    struct stat status;
    char magic[8];
    int result = fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
                 (status.st_size == 0 || (read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
                                          (memcmp(magic, SNAG_FILE_MAGIC, 8) == 0 ||
                                           memcmp(magic, SNAG_LAUNCHER_MAGIC, 8) == 0)));
    close(fd);
    return result;
}

/* What is at `path`: nothing, an empty directory, a trace snag wrote (only
 * snag files inside), or something else. */
enum place { PLACE_NONE, PLACE_EMPTY_DIRECTORY, PLACE_TRACE, PLACE_OTHER };

static enum place examine(const char *path)
{
    struct stat status;
    if (lstat(path, &status) != 0) return errno == ENOENT ? PLACE_NONE : PLACE_OTHER;
    if (!S_ISDIR(status.st_mode)) return PLACE_OTHER;
    int directory = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (directory < 0) return PLACE_OTHER;
    DIR *listing = fdopendir(directory);
    if (!listing) {
        close(directory);
        return PLACE_OTHER;
    }
    size_t entries = 0;
    int snag_only = 1;
    struct dirent *entry;
    while ((entry = readdir(listing))) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
        entries++;
        size_t length = strlen(entry->d_name);
        if (length < 5 || strcmp(entry->d_name + length - 5, ".snag") != 0 || !is_snag_file(dirfd(listing), entry->d_name))
            snag_only = 0;
    }
    closedir(listing);
    return entries == 0 ? PLACE_EMPTY_DIRECTORY : snag_only ? PLACE_TRACE : PLACE_OTHER;
}

static int remove_snag_trace(const char *path)
{
    int directory = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (directory < 0) return -1;
    DIR *listing = fdopendir(directory);
    if (!listing) {
        close(directory);
        return -1;
    }
    struct dirent *entry;
    while ((entry = readdir(listing)))
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            unlinkat(dirfd(listing), entry->d_name, 0);
    closedir(listing);
    return rmdir(path);
}

/* A new, private directory at `path` (an empty one the user made will do);
 * an earlier trace there moves to `path`.old (as perf does with perf.data);
 * anything else is left alone. */
static int prepare_trace_directory(const char *path)
{
    char safe[PATH_MAX * 4 + 1];
    snag_text_sanitize(path, safe, sizeof safe);
    switch (examine(path)) {
    case PLACE_EMPTY_DIRECTORY: return 0;
    case PLACE_OTHER:
        fprintf(stderr, "snag: %s exists and is not a snag trace; not touching it: choose another with -o\n", safe);
        return -1;
    case PLACE_TRACE: {
        char old[PATH_MAX + 8];
        snprintf(old, sizeof old, "%s.old", path);
        enum place previous = examine(old);
        if ((previous == PLACE_TRACE || previous == PLACE_EMPTY_DIRECTORY) ? remove_snag_trace(old) != 0
                                                                          : previous != PLACE_NONE) {
            fprintf(stderr, "snag: cannot make room for the previous trace at %s.old: remove it or choose -o\n", safe);
            return -1;
        }
        if (rename(path, old) != 0) {
            fprintf(stderr, "snag: cannot move the previous trace %s aside: %s\n", safe, strerror(errno));
            return -1;
        }
        break;
    }
    case PLACE_NONE: break;
    }
    if (mkdir(path, 0700) != 0) {
        fprintf(stderr, "snag: cannot create the trace directory %s: %s\n", safe, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- the launcher file ---- */

static int write_launcher(const char *directory, const struct snag_launcher_header *header,
                          const struct snag_launcher_entry *entry)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/%s", directory, SNAG_LAUNCHER_FILE);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    int ok = write(fd, header, sizeof *header) == (ssize_t)sizeof *header &&
             (!entry || write(fd, entry, sizeof *entry) == (ssize_t)sizeof *entry);
    return close(fd) == 0 && ok ? 0 : -1;
}

/* ---- running ---- */

static void set_env_u64(const char *name, uint64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%llu", (unsigned long long)value);
    setenv(name, text, 1);
}

static pid_t child_pid;

static void forward_signal(int signal_number)
{
    if (child_pid > 0) kill(child_pid, signal_number);
}

#define DEFAULT_HANG_TIMEOUT_S 3.0

static const char *const finding_kinds[] = {"deadlock", "hang", "lock_order_inversion", "misuse", "fork_hazard"};

/* Checks a --fail-on list; 0, or -1 after saying which word is unknown. */
static int check_fail_on(const char *list)
{
    char *copy = strdup(list), *save = NULL;
    if (!copy) return -1;
    int result = 0;
    for (char *word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
        int known = strcmp(word, "any") == 0;
        for (size_t index = 0; index < sizeof finding_kinds / sizeof finding_kinds[0]; index++)
            known |= strcmp(word, finding_kinds[index]) == 0;
        if (!known) {
            char safe[256];
            fprintf(stderr, "snag: --fail-on: unknown finding kind '%s' (known: deadlock, hang, "
                            "lock_order_inversion, misuse, fork_hazard, any)\n",
                    snag_text_sanitize(word, safe, sizeof safe));
            result = -1;
        }
    }
    free(copy);
    return result;
}

/* Waits for the program, looking at its processes for hangs meanwhile;
 * SIGCHLD (blocked) says when it ended. */
static void wait_for_program(pid_t pid, int *status, struct hang_monitor *monitor, uint64_t poll_ns)
{
    sigset_t child_ended;
    sigemptyset(&child_ended);
    sigaddset(&child_ended, SIGCHLD);
    struct timespec poll = {(time_t)(poll_ns / 1000000000u), (long)(poll_ns % 1000000000u)};
    for (;;) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) return;
        if (done == 0) {
            if (monitor) hang_monitor_check(monitor);
            sigtimedwait(&child_ended, NULL, &poll);
        }
    }
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: snag run [-o TRACE] [--quiet] [--no-follow] [--on-deadlock=exit|report]\n"
            "                [--hang-timeout=SECONDS] [--fail-on=KIND,...] [--] PROGRAM [ARGS...]\n"
            "\n"
            "Runs PROGRAM with snag's recorder preloaded (no recompiling) and writes a\n"
            "trace: a directory with one file per process. snag exits with PROGRAM's\n"
            "exit status, or 128+N if it died of signal N, and then prints a short\n"
            "summary to stderr.\n"
            "\n"
            "  -o, --output TRACE  where to write the trace (default ./%s; an earlier\n"
            "                      trace there is moved to TRACE.old)\n"
            "  -q, --quiet         no summary after the run\n"
            "      --no-follow     record only PROGRAM's own process, not the processes\n"
            "                      it starts (by default every one is traced, even those\n"
            "                      started with an environment of their own)\n"
            "      --on-deadlock=exit|report\n"
            "                      a deadlock is reported the moment it forms; when then\n"
            "                      every thread of the process is blocked (or all its\n"
            "                      threads hang, see --hang-timeout), `exit` (the default)\n"
            "                      ends it, `report` leaves it hanging as it would without snag\n"
            "      --hang-timeout=SECONDS\n"
            "                      a process whose threads have all been blocked this long,\n"
            "                      in waits none of them can end, hangs (default %g)\n"
            "      --fail-on=KIND,...  exit with status %d when the program succeeded but the\n"
            "                      trace has findings of these kinds: deadlock, hang,\n"
            "                      lock_order_inversion, misuse, fork_hazard, or any\n"
            "\n"
            "snag's own exit statuses:\n"
            "  %d  the program deadlocked and every thread was blocked: snag ended it\n"
            "  %d  a process of the program hung: snag ended it\n"
            "  %d  PROGRAM is statically linked or set-user-ID: LD_PRELOAD cannot reach it\n"
            "  %d  snag failed: the trace location is not writable, libsnag.so is missing\n"
            "  %d  PROGRAM cannot be executed\n"
            "  %d  PROGRAM was not found\n"
            "  %d    bad command line\n"
            "\n"
            "Environment: SNAG_MAX_SIZE_MB caps each process's trace file (default 16384);\n"
            "SNAG_LIBRARY names the libsnag.so to preload.\n",
            SNAG_DEFAULT_TRACE, DEFAULT_HANG_TIMEOUT_S, SNAG_EXIT_FINDINGS, SNAG_EXIT_DEADLOCK, SNAG_EXIT_HANG,
            SNAG_EXIT_CANNOT_TRACE, SNAG_EXIT_SNAG_ERROR, SNAG_EXIT_CANNOT_EXECUTE,
            SNAG_EXIT_NOT_FOUND, SNAG_EXIT_USAGE);
}

int snag_run_main(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"quiet", no_argument, NULL, 'q'},
                                            {"no-follow", no_argument, NULL, 'n'},
                                            {"on-deadlock", required_argument, NULL, 'd'},
                                            {"hang-timeout", required_argument, NULL, 't'},
                                            {"fail-on", required_argument, NULL, 'f'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0}};
    const char *output = SNAG_DEFAULT_TRACE;
    const char *fail_on = NULL;
    int quiet = 0, follow = 1, end_deadlocked = 1, option;
    double hang_timeout_s = DEFAULT_HANG_TIMEOUT_S;
    char *end;
    while ((option = getopt_long(argc, argv, "+o:qh", options, NULL)) != -1) {
        switch (option) {
        case 'o': output = optarg; break;
        case 'q': quiet = 1; break;
        case 'n': follow = 0; break;
        case 'd':
            if (strcmp(optarg, "exit") != 0 && strcmp(optarg, "report") != 0) {
                fprintf(stderr, "snag: --on-deadlock takes exit or report\n");
                return SNAG_EXIT_USAGE;
            }
            end_deadlocked = strcmp(optarg, "exit") == 0;
            break;
        case 't':
            hang_timeout_s = strtod(optarg, &end);
            if (end == optarg || *end || !(hang_timeout_s >= 0.1 && hang_timeout_s <= 86400)) {
                fprintf(stderr, "snag: --hang-timeout takes seconds from 0.1 to 86400\n");
                return SNAG_EXIT_USAGE;
            }
            break;
        case 'f':
            if (check_fail_on(optarg) != 0) return SNAG_EXIT_USAGE;
            fail_on = optarg;
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return SNAG_EXIT_USAGE;
        }
    }
    if (optind >= argc || !*output) {
        usage(stderr);
        return SNAG_EXIT_USAGE;
    }
    char **program_argv = argv + optind;
    char safe_name[1024], program[PATH_MAX], shim[PATH_MAX], trace[PATH_MAX];
    snag_text_sanitize(program_argv[0], safe_name, sizeof safe_name);
    if (find_program(program_argv[0], program, sizeof program) != 0) {
        fprintf(stderr, "snag: %s: program not found%s\n", safe_name,
                strchr(program_argv[0], '/') ? "" : " in PATH");
        return SNAG_EXIT_NOT_FOUND;
    }
    const char *reason = why_untraceable(program, 0);
    if (reason) {
        fprintf(stderr, "snag: cannot trace %s: %s\n", safe_name, reason);
        return SNAG_EXIT_CANNOT_TRACE;
    }
    if (find_shim(shim, sizeof shim) != 0) {
        fprintf(stderr, "snag: libsnag.so not found next to the snag command (looked in %s and ../lib from %s); "
                        "set SNAG_LIBRARY to its path\n",
                SNAG_RELATIVE_LIBDIR, "the directory of snag");
        return SNAG_EXIT_SNAG_ERROR;
    }
    if (prepare_trace_directory(output) != 0) return SNAG_EXIT_SNAG_ERROR;
    if (!realpath(output, trace)) {
        fprintf(stderr, "snag: cannot resolve the trace directory: %s\n", strerror(errno));
        return SNAG_EXIT_SNAG_ERROR;
    }

    struct run_clock clock;
    calibrate(&clock);
    struct snag_launcher_header launcher = {
        .format_version = SNAG_FORMAT_VERSION,
        .tick_hz = clock.hz,
        .clock_source = clock.use_tsc ? SNAG_CLOCK_TSC : SNAG_CLOCK_MONOTONIC,
        .start_raw_clock = clock.start_raw,
        .start_monotonic_ns = clock.start_monotonic_ns,
        .start_realtime_ns = clock.start_realtime_ns,
        .hang_timeout_ns = (uint64_t)(hang_timeout_s * 1e9),
    };
    memcpy(launcher.magic, SNAG_LAUNCHER_MAGIC, sizeof launcher.magic);
    if (write_launcher(trace, &launcher, NULL) != 0) {
        fprintf(stderr, "snag: cannot write into the trace directory %s: %s\n", trace, strerror(errno));
        return SNAG_EXIT_SNAG_ERROR;
    }

    /* The shim's environment: the preload goes first, keeping the user's own. */
    const char *existing = getenv("LD_PRELOAD");
    char *preload;
    if (asprintf(&preload, "%s%s%s", shim, existing && *existing ? " " : "", existing ? existing : "") < 0)
        return SNAG_EXIT_SNAG_ERROR;
    setenv("LD_PRELOAD", preload, 1);
    free(preload);
    setenv("SNAG_TRACE_DIR", trace, 1);
    setenv("SNAG_CLOCK", clock.use_tsc ? "tsc" : "monotonic", 1);
    set_env_u64("SNAG_TICK_HZ", clock.hz);
    set_env_u64("SNAG_TICK_ORIGIN", clock.start_raw);
    setenv("SNAG_ON_DEADLOCK", end_deadlocked ? "exit" : "report", 1);
    if (follow) unsetenv("SNAG_NO_FOLLOW");
    else setenv("SNAG_NO_FOLLOW", "1", 1);

    /* Signals: ^C and ^\ reach the whole foreground group, the program
     * included, so snag waits them out; TERM and HUP are passed on. */
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGQUIT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGHUP);
    sigaddset(&blocked, SIGCHLD);
    sigprocmask(SIG_BLOCK, &blocked, &previous);
    int report_pipe[2];
    if (pipe2(report_pipe, O_CLOEXEC) != 0) return SNAG_EXIT_SNAG_ERROR;
    fflush(NULL);
    child_pid = fork();
    if (child_pid < 0) {
        fprintf(stderr, "snag: cannot start %s: %s\n", safe_name, strerror(errno));
        return SNAG_EXIT_SNAG_ERROR;
    }
    if (child_pid == 0) {
        sigprocmask(SIG_SETMASK, &previous, NULL);
        close(report_pipe[0]);
        execvp(program_argv[0], program_argv);
        int error = errno;
        ssize_t ignored = write(report_pipe[1], &error, sizeof error);
        (void)ignored;
        _exit(SNAG_EXIT_CANNOT_EXECUTE);
    }
    close(report_pipe[1]);
    struct sigaction ignore = {.sa_handler = SIG_IGN}, forward = {.sa_handler = forward_signal};
    sigaction(SIGINT, &ignore, NULL);
    sigaction(SIGQUIT, &ignore, NULL);
    sigaction(SIGTERM, &forward, NULL);
    sigaction(SIGHUP, &forward, NULL);
    sigset_t unblocked = blocked;
    sigdelset(&unblocked, SIGCHLD); /* stays blocked: wait_for_program waits for it */
    sigprocmask(SIG_UNBLOCK, &unblocked, NULL);

    int exec_error = 0;
    ssize_t got;
    do got = read(report_pipe[0], &exec_error, sizeof exec_error);
    while (got < 0 && errno == EINTR);
    close(report_pipe[0]);
    int status = 0;
    uint64_t timeout_ns = (uint64_t)(hang_timeout_s * 1e9);
    struct hang_monitor *monitor = hang_monitor_new(trace, timeout_ns, end_deadlocked);
    wait_for_program(child_pid, &status, monitor, timeout_ns / 4 < 200000000u ? timeout_ns / 4 : 200000000u);
    unsigned hung_ended = monitor ? hang_monitor_ended(monitor) : 0;
    hang_monitor_free(monitor);
    if (got == (ssize_t)sizeof exec_error) {
        fprintf(stderr, "snag: cannot execute %s: %s\n", safe_name, strerror(exec_error));
        remove_snag_trace(trace);
        return exec_error == ENOENT ? SNAG_EXIT_NOT_FOUND : SNAG_EXIT_CANNOT_EXECUTE;
    }

    /* The rate over the whole run beats the 20 ms calibration. */
    uint64_t end_raw = raw_clock(&clock), end_monotonic = clock_ns(CLOCK_MONOTONIC);
    if (clock.use_tsc && end_monotonic - clock.start_monotonic_ns > 200000000u)
        launcher.tick_hz = (uint64_t)((double)(end_raw - clock.start_raw) * 1e9 /
                                      (double)(end_monotonic - clock.start_monotonic_ns));
    launcher.end_raw_clock = end_raw;
    launcher.end_monotonic_ns = end_monotonic;
    launcher.child_pid = child_pid;
    launcher.entry_count = 1;
    struct snag_launcher_entry entry = {.pid = child_pid, .end_monotonic_ns = end_monotonic};
    int exit_status;
    if (WIFSIGNALED(status)) {
        entry.exit_kind = SNAG_EXIT_SIGNAL;
        entry.exit_value = WTERMSIG(status);
        exit_status = 128 + WTERMSIG(status);
    } else {
        entry.exit_kind = SNAG_EXIT_STATUS;
        entry.exit_value = WEXITSTATUS(status);
        exit_status = WEXITSTATUS(status);
    }
    if (write_launcher(trace, &launcher, &entry) != 0)
        fprintf(stderr, "snag: cannot complete %s/%s: %s\n", trace, SNAG_LAUNCHER_FILE, strerror(errno));
    int failing = quiet && !fail_on ? 0 : snag_report_summary(output, 3, quiet, fail_on);
    if (hung_ended) return SNAG_EXIT_HANG;
    if (fail_on && exit_status == 0 && failing != 0) {
        if (failing > 0)
            fprintf(stderr, "snag: %d finding%s of a kind named in --fail-on\n", failing, failing == 1 ? "" : "s");
        return SNAG_EXIT_FINDINGS;
    }
    return exit_status;
}
