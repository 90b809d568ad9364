/* The shim's lifetime in a process: set-up when it is loaded, fork handling,
 * the end of the process (exit, _exit, the destructor) and dlopen. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lifecycle.h"
#include "deadlock.h"
#include "modules.h"
#include "process.h"
#include "real.h"
#include "thread.h"
#include "writer.h"

#define SNAG_EXPORT __attribute__((visibility("default")))

static __thread struct {
    uint64_t *pos, *end;
    uint64_t ticks;
} fork_stash __attribute__((tls_model("initial-exec")));

uint64_t snag_fork_ticks(void)
{
    return fork_stash.ticks;
}

/* Between fork's prepare and parent handlers the forking thread records into
 * a fresh chunk, so the child never inherits a chunk the parent still fills.
 * Registered first, this prepare handler runs last: its time is the fork's,
 * after the program's own handlers took whatever locks they take. */
static void before_fork(void)
{
    fork_stash.ticks = snag_now_ticks();
    fork_stash.pos = snag_thread.pos;
    fork_stash.end = snag_thread.end;
    snag_thread.pos = snag_thread.end = NULL;
}

static void after_fork_parent(void)
{
    if (snag_thread.pos == NULL) {
        snag_thread.pos = fork_stash.pos;
        snag_thread.end = fork_stash.end;
    }
}

void snag_after_fork_child(void)
{
    snag_deadlock_after_fork_child();
    snag_modules_after_fork_child();
    snag_writer_after_fork_child(snag_process_following());
}

/* Starts recording in this process, once: from the constructor, or from the
 * first record when another library's constructor takes a lock before ours
 * ran (then argv comes from /proc/self/cmdline). */
static atomic_int started;

int snag_start_tried(void)
{
    return atomic_load_explicit(&started, memory_order_relaxed);
}

void snag_start(int argc, char **argv)
{
    if (atomic_exchange(&started, 1)) return;
    if (!snag_real_resolve()) return;
    snag_process_capture_environment();
    const char *directory = getenv("SNAG_TRACE_DIR");
    if (!directory || !*directory) return; /* not recording: no clock to set up */
    snag_clock_setup();
    snag_stack_setup();
    if (snag_writer_open_process() != 0) return;
    if (!snag_process_following()) snag_process_stop_following_children();
    snag_record_process_info(argc, argv);
    snag_record_new_modules();
    pthread_atfork(before_fork, after_fork_parent, snag_after_fork_child);
}

/* glibc passes (argc, argv, envp) to the constructors of shared objects. */
__attribute__((constructor(101))) static void snag_constructor(int argc, char **argv, char **envp)
{
    (void)envp;
    if (gettid() == getpid()) snag_stack_set_thread_bounds(1);
    snag_start(argc, argv);
}

__attribute__((destructor)) static void snag_finish(void)
{
    if (!snag_writer_active()) return;
    snag_record_new_modules();
    snag_record_thread_name_now();
    snag_writer_set_exit(SNAG_EXIT_UNKNOWN, 0);
}

/* Returning from main calls libc's own exit, which no wrapper sees: main
 * runs inside this one so that its return value is recorded too. */
static int (*program_main)(int, char **, char **);

static int main_returning_status(int argc, char **argv, char **envp)
{
    int status = program_main(argc, argv, envp);
    snag_writer_set_exit(SNAG_EXIT_STATUS, status & 0xff);
    return status;
}

SNAG_EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv, void (*init)(void),
                                  void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
    if (!snag_real_resolve()) return 127; /* cannot happen: nothing runs before this */
    program_main = main;
    return snag_real.__libc_start_main(main_returning_status, argc, argv, init, fini, rtld_fini, stack_end);
}

/* The status a parent sees is the low 8 bits. */
SNAG_EXPORT void exit(int status)
{
    if (snag_real.exit == NULL) snag_real_resolve();
    snag_writer_set_exit(SNAG_EXIT_STATUS, status & 0xff);
    snag_real.exit(status);
    __builtin_unreachable();
}

SNAG_EXPORT void _exit(int status)
{
    if (snag_real._exit == NULL) snag_real_resolve();
    snag_writer_set_exit(SNAG_EXIT_STATUS, status & 0xff);
    snag_real._exit(status);
    __builtin_unreachable();
}

SNAG_EXPORT void _Exit(int status)
{
    if (snag_real._Exit == NULL) snag_real_resolve();
    snag_writer_set_exit(SNAG_EXIT_STATUS, status & 0xff);
    snag_real._Exit(status);
    __builtin_unreachable();
}

SNAG_EXPORT void *dlopen(const char *file, int mode)
{
    SNAG_REAL_OR_RETURN(dlopen, NULL);
    void *handle = snag_real.dlopen(file, mode);
    if (handle) snag_record_new_modules();
    return handle;
}
