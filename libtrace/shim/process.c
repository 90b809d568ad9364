/* Processes: fork, _Fork, the exec family, posix_spawn, system/popen and
 * the wait family.
 * Every exec keeps the new image traced: a program that execs with an
 * environment of its own (env -i, execve with a fresh envp) gets snag's
 * variables put back, as uftrace does. Waits record which child ended and
 * how, the only record of a child killed by a signal it could not catch. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"

#include "lifecycle.h"
#include "modules.h"
#include "wrap.h"

#define MAX_ENVIRONMENT 4096 /* larger environments are passed on untouched */
#define MAX_EXEC_ARGUMENTS 16384

extern char **environ;

/* "NAME=value" of each snag variable this process started with, and the
 * shim's own path, captured before the program can change its environment. */
static const char *const snag_variables[] = {"SNAG_TRACE_DIR", "SNAG_CLOCK", "SNAG_TICK_HZ", "SNAG_TICK_ORIGIN",
                                             "SNAG_MAX_SIZE_MB"};
#define SNAG_VARIABLE_COUNT (sizeof snag_variables / sizeof snag_variables[0])
static char saved_variables[SNAG_VARIABLE_COUNT][1200];
static char shim_path[1024];
static int following = 1;

void snag_process_capture_environment(void)
{
    for (size_t index = 0; index < SNAG_VARIABLE_COUNT; index++) {
        const char *value = getenv(snag_variables[index]);
        size_t name_length = strlen(snag_variables[index]), value_length = value ? strlen(value) : 0;
        if (!value || name_length + value_length + 2 > sizeof saved_variables[index]) continue;
        char *entry = saved_variables[index];
        memcpy(entry, snag_variables[index], name_length);
        entry[name_length] = '=';
        memcpy(entry + name_length + 1, value, value_length + 1);
    }
    Dl_info info;
    if (dladdr((void *)snag_process_capture_environment, &info) && info.dli_fname &&
        strlen(info.dli_fname) < sizeof shim_path)
        strcpy(shim_path, info.dli_fname);
    const char *follow = getenv("SNAG_NO_FOLLOW");
    following = !(follow && *follow && strcmp(follow, "0") != 0);
}

int snag_process_following(void)
{
    return following;
}

void snag_process_stop_following_children(void)
{
    unsetenv("SNAG_TRACE_DIR");
    const char *preload = getenv("LD_PRELOAD");
    if (!preload || !shim_path[0]) return;
    /* LD_PRELOAD without our entry: the rest of the list stays as it was */
    char rest[4096];
    size_t used = 0;
    const char *cursor = preload;
    while (*cursor) {
        size_t skip = strspn(cursor, " :"), length;
        cursor += skip;
        length = strcspn(cursor, " :");
        if (length && !(length == strlen(shim_path) && strncmp(cursor, shim_path, length) == 0) &&
            used + length + 2 < sizeof rest) {
            if (used) rest[used++] = ' ';
            memcpy(rest + used, cursor, length);
            used += length;
        }
        cursor += length;
    }
    rest[used] = '\0';
    if (used) setenv("LD_PRELOAD", rest, 1);
    else unsetenv("LD_PRELOAD");
}

static int names_variable(const char *entry, const char *name)
{
    size_t length = strlen(name);
    return strncmp(entry, name, length) == 0 && entry[length] == '=';
}

/* Does envp still carry everything the shim needs in the next image? */
static int environment_complete(char *const *envp, size_t *count)
{
    int complete = 1, preloaded = 0;
    size_t entries = 0;
    for (; envp && envp[entries]; entries++)
        if (names_variable(envp[entries], "LD_PRELOAD") && strstr(envp[entries], shim_path)) preloaded = 1;
    for (size_t index = 0; index < SNAG_VARIABLE_COUNT; index++) {
        if (!saved_variables[index][0]) continue;
        int found = 0;
        for (size_t entry = 0; entry < entries && !found; entry++)
            found = names_variable(envp[entry], snag_variables[index]);
        complete &= found;
    }
    *count = entries;
    return complete && preloaded;
}

/* Nothing to change: not following, no shim path known, complete already,
 * or too large to copy on the stack. */
static int environment_kept(char *const *envp, size_t *count)
{
    *count = 0;
    if (!following || !shim_path[0]) return 1;
    return environment_complete(envp, count) || *count > MAX_ENVIRONMENT;
}

/* The environment for the next image, built in the caller's stack buffers
 * (an exec may run in a vfork child, where malloc is not safe). */
#define TRACED_ENVIRONMENT(envp, result)                                                       \
    size_t environment_count_;                                                                 \
    int environment_kept_ = environment_kept(envp, &environment_count_);                       \
    char *environment_[environment_kept_ ? 1 : environment_count_ + SNAG_VARIABLE_COUNT + 2];  \
    char preload_[environment_kept_ ? 1 : sizeof shim_path + 16 + preload_length(envp)];       \
    char *const *result =                                                                      \
        environment_kept_ ? (envp) : fill_environment(envp, environment_, preload_, sizeof preload_)

static size_t preload_length(char *const *envp)
{
    for (size_t entry = 0; envp && envp[entry]; entry++)
        if (names_variable(envp[entry], "LD_PRELOAD")) return strlen(envp[entry]);
    return 0;
}

static char *const *fill_environment(char *const *envp, char **out, char *preload, size_t preload_size)
{
    size_t used = 0;
    const char *old_preload = NULL;
    for (size_t entry = 0; envp && envp[entry]; entry++) {
        if (names_variable(envp[entry], "LD_PRELOAD")) {
            old_preload = envp[entry] + strlen("LD_PRELOAD=");
            continue;
        }
        int ours = 0;
        for (size_t index = 0; index < SNAG_VARIABLE_COUNT && !ours; index++)
            ours = saved_variables[index][0] && names_variable(envp[entry], snag_variables[index]);
        if (!ours) out[used++] = envp[entry];
    }
    for (size_t index = 0; index < SNAG_VARIABLE_COUNT; index++)
        if (saved_variables[index][0]) out[used++] = saved_variables[index];
    if (old_preload && strstr(old_preload, shim_path))
        snprintf(preload, preload_size, "LD_PRELOAD=%s", old_preload);
    else
        snprintf(preload, preload_size, "LD_PRELOAD=%s%s%s", shim_path, old_preload && *old_preload ? " " : "",
                 old_preload ? old_preload : "");
    out[used++] = preload;
    out[used] = NULL;
    return out;
}

static void record_event_at(uint64_t ticks, uint32_t kind, pid_t pid, int status, const char *path)
{
    struct snag_process_event_record record = {.kind = kind, .pid = pid, .status = status};
    size_t length = path ? strnlen(path, 1024) : 0;
    char tail[1025];
    if (length) memcpy(tail, path, length);
    tail[length] = '\0';
    snag_emit_variable_at(ticks, SNAG_REC_PROCESS_EVENT, 0, &record, sizeof record, tail, length + 1);
}

static void record_event(uint32_t kind, pid_t pid, int status, const char *path)
{
    record_event_at(0, kind, pid, status, path);
}

/* In a vfork child (same memory, other pid) nothing may be recorded: the
 * records would land in the parent's buffer as the parent's. */
static int recording_here(void)
{
    return snag_writer_active() && snag_writer_pid() == getpid();
}

static void before_exec(const char *path)
{
    if (!recording_here()) return;
    record_event(SNAG_PROCESS_EXEC, getpid(), 0, path);
    snag_record_new_modules();
    snag_writer_set_exit(SNAG_EXIT_EXEC, 0);
}

static void after_failed_exec(int error)
{
    if (!recording_here()) return;
    snag_writer_clear_exit();
    record_event(SNAG_PROCESS_EXEC_FAILED, getpid(), error, NULL);
}

SNAG_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    if (snag_real.execve == NULL && !snag_real_resolve()) return -1;
    TRACED_ENVIRONMENT(envp, environment);
    before_exec(path);
    int result = snag_real.execve(path, argv, environment);
    int error = errno;
    after_failed_exec(error);
    errno = error;
    return result;
}

SNAG_EXPORT int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

SNAG_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (snag_real.execvpe == NULL && !snag_real_resolve()) return -1;
    TRACED_ENVIRONMENT(envp, environment);
    before_exec(file);
    int result = snag_real.execvpe(file, argv, environment);
    int error = errno;
    after_failed_exec(error);
    errno = error;
    return result;
}

SNAG_EXPORT int execvp(const char *file, char *const argv[])
{
    return execvpe(file, argv, environ);
}

SNAG_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    if (snag_real.fexecve == NULL && !snag_real_resolve()) return -1;
    TRACED_ENVIRONMENT(envp, environment);
    before_exec("(file descriptor)");
    int result = snag_real.fexecve(fd, argv, environment);
    int error = errno;
    after_failed_exec(error);
    errno = error;
    return result;
}

SNAG_EXPORT int execveat(int directory, const char *path, char *const argv[], char *const envp[], int flags)
{
    if (snag_real.execveat == NULL && !snag_real_resolve()) return -1;
    TRACED_ENVIRONMENT(envp, environment);
    before_exec(path);
    int result = snag_real.execveat(directory, path, argv, environment, flags);
    int error = errno;
    after_failed_exec(error);
    errno = error;
    return result;
}

/* execl, execlp, execle: their arguments, gathered into an argv on the stack. */
/* glibc declares the first argument non-NULL: the list ends at a later NULL. */
static size_t count_list(va_list arguments)
{
    size_t count = 1;
    va_list copy;
    va_copy(copy, arguments);
    while (count < MAX_EXEC_ARGUMENTS && va_arg(copy, const char *)) count++;
    va_end(copy);
    return count;
}

#define GATHER_ARGUMENTS(first, arguments, argv)                                        \
    size_t argument_count_ = count_list(arguments);                              \
    if (argument_count_ >= MAX_EXEC_ARGUMENTS) {                                        \
        va_end(arguments);                                                              \
        errno = E2BIG;                                                                  \
        return -1;                                                                      \
    }                                                                                   \
    char *argv[argument_count_ + 1];                                                    \
    argv[0] = (char *)(first);                                                          \
    for (size_t index_ = 1; index_ < argument_count_; index_++) argv[index_] = va_arg(arguments, char *); \
    argv[argument_count_] = NULL

SNAG_EXPORT int execl(const char *path, const char *first, ...)
{
    va_list arguments;
    va_start(arguments, first);
    GATHER_ARGUMENTS(first, arguments, argv);
    va_end(arguments);
    return execve(path, argv, environ);
}

SNAG_EXPORT int execlp(const char *file, const char *first, ...)
{
    va_list arguments;
    va_start(arguments, first);
    GATHER_ARGUMENTS(first, arguments, argv);
    va_end(arguments);
    return execvpe(file, argv, environ);
}

SNAG_EXPORT int execle(const char *path, const char *first, ...)
{
    va_list arguments;
    va_start(arguments, first);
    GATHER_ARGUMENTS(first, arguments, argv);
    char *const *envp = va_arg(arguments, char *const *);
    va_end(arguments);
    return execve(path, argv, envp);
}

SNAG_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                            const posix_spawnattr_t *attributes, char *const argv[], char *const envp[])
{
    SNAG_REAL_OR_RETURN(posix_spawn, ENOSYS);
    TRACED_ENVIRONMENT(envp, environment);
    pid_t child = 0;
    int result = snag_real.posix_spawn(&child, path, actions, attributes, argv, environment);
    if (result == 0) {
        if (pid) *pid = child;
        int saved_errno = errno;
        if (recording_here()) record_event(SNAG_PROCESS_SPAWN, child, 0, path);
        errno = saved_errno;
    }
    return result;
}

SNAG_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                             const posix_spawnattr_t *attributes, char *const argv[], char *const envp[])
{
    SNAG_REAL_OR_RETURN(posix_spawnp, ENOSYS);
    TRACED_ENVIRONMENT(envp, environment);
    pid_t child = 0;
    int result = snag_real.posix_spawnp(&child, file, actions, attributes, argv, environment);
    if (result == 0) {
        if (pid) *pid = child;
        int saved_errno = errno;
        if (recording_here()) record_event(SNAG_PROCESS_SPAWN, child, 0, file);
        errno = saved_errno;
    }
    return result;
}

/* ---- system, popen, pclose ----
 *
 * glibc starts their shell with its internal posix_spawn and reaps it with
 * its internal waitpid, which no wrapper sees, and the child's pid is never
 * handed to the caller. What is certain is recorded: a SPAWN of the command
 * with pid 0 (unknown), the wait for it, and the wait status system() or
 * pclose() returned. The shell itself is traced (it inherits LD_PRELOAD)
 * and names this process as its parent. */

SNAG_EXPORT int system(const char *command)
{
    SNAG_REAL_OR_RETURN(system, -1);
    uint64_t started = snag_now_ticks();
    int status = snag_real.system(command);
    /* system(NULL) only asks whether a shell exists; -1: nothing was reaped */
    if (command && status != -1 && recording_here()) {
        int saved_errno = errno;
        record_event_at(started, SNAG_PROCESS_SPAWN, 0, 0, command);
        record_event_at(started, SNAG_PROCESS_WAIT, 0, 0, NULL);
        record_event(SNAG_PROCESS_WAITED, 0, status, NULL);
        errno = saved_errno;
    }
    return status;
}

SNAG_EXPORT FILE *popen(const char *command, const char *mode)
{
    SNAG_REAL_OR_RETURN(popen, NULL);
    uint64_t started = snag_now_ticks();
    FILE *stream = snag_real.popen(command, mode);
    if (stream && recording_here()) {
        int saved_errno = errno;
        record_event_at(started, SNAG_PROCESS_SPAWN, 0, 0, command);
        errno = saved_errno;
    }
    return stream;
}

SNAG_EXPORT int pclose(FILE *stream)
{
    SNAG_REAL_OR_RETURN(pclose, -1);
    uint64_t started = snag_now_ticks();
    int status = snag_real.pclose(stream);
    if (status != -1 && recording_here()) { /* -1: not a popen stream, or nothing reaped */
        int saved_errno = errno;
        record_event_at(started, SNAG_PROCESS_WAIT, 0, 0, NULL);
        record_event(SNAG_PROCESS_WAITED, 0, status, NULL);
        errno = saved_errno;
    }
    return status;
}

/* ---- fork ---- */

SNAG_EXPORT pid_t fork(void)
{
    SNAG_REAL_OR_RETURN(fork, -1);
    pid_t child = snag_real.fork(); /* the child's side is set up by the atfork handler */
    if (child > 0) {
        int saved_errno = errno;
        record_event_at(snag_fork_ticks(), SNAG_PROCESS_FORK, child, 0, NULL);
        errno = saved_errno;
    }
    return child;
}

/* _Fork runs no atfork handlers: the child sets itself up here. */
SNAG_EXPORT pid_t _Fork(void)
{
    SNAG_REAL_OR_RETURN(_Fork, -1);
    uint64_t ticks = snag_now_ticks(); /* no handlers run: now is the fork's time */
    pid_t child = snag_real._Fork();
    int saved_errno = errno;
    if (child == 0) snag_after_fork_child();
    else if (child > 0) record_event_at(ticks, SNAG_PROCESS_FORK, child, 0, NULL);
    errno = saved_errno;
    return child;
}

/* ---- waits ---- */

static void record_wait(pid_t asked, int options)
{
    if (!(options & WNOHANG) && recording_here()) {
        int saved_errno = errno;
        record_event(SNAG_PROCESS_WAIT, asked, 0, NULL);
        errno = saved_errno;
    }
}

static void record_reaped(pid_t child, int status, int options)
{
    if (child <= 0 || (options & WNOWAIT) || !recording_here()) return;
    if (!WIFEXITED(status) && !WIFSIGNALED(status)) return; /* stopped or continued: not an end */
    int saved_errno = errno;
    record_event(SNAG_PROCESS_WAITED, child, status, NULL);
    errno = saved_errno;
}

SNAG_EXPORT pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
    SNAG_REAL_OR_RETURN(wait4, -1);
    int local_status = 0;
    record_wait(pid, options);
    pid_t child = snag_real.wait4(pid, &local_status, options, usage);
    if (child > 0 && status) *status = local_status;
    record_reaped(child, local_status, options);
    return child;
}

SNAG_EXPORT pid_t waitpid(pid_t pid, int *status, int options)
{
    return wait4(pid, status, options, NULL);
}

SNAG_EXPORT pid_t wait(int *status)
{
    return wait4(-1, status, 0, NULL);
}

SNAG_EXPORT pid_t wait3(int *status, int options, struct rusage *usage)
{
    return wait4(-1, status, options, usage);
}

SNAG_EXPORT int waitid(idtype_t type, id_t id, siginfo_t *info, int options)
{
    SNAG_REAL_OR_RETURN(waitid, -1);
    record_wait(type == P_PID ? (pid_t)id : -1, options);
    int result = snag_real.waitid(type, id, info, options);
    if (result == 0 && info && info->si_pid > 0) {
        /* as a wait status: exited (code << 8), killed (signal), dumped (signal | 0x80) */
        int status = info->si_code == CLD_EXITED   ? (info->si_status & 0xff) << 8
                     : info->si_code == CLD_KILLED ? info->si_status
                     : info->si_code == CLD_DUMPED ? (info->si_status | 0x80)
                                                   : 0x7f; /* stopped/continued: ignored */
        record_reaped(info->si_pid, status, options);
    }
    return result;
}
