/* The trace reader: the one place that parses trace bytes. Report, export
 * and viewer see processes, threads, modules and time-ordered events. */
#ifndef SNAG_READER_H
#define SNAG_READER_H

#include <stddef.h>
#include <stdint.h>

#include "snag/format.h"

struct snag_trace;

/* Opens a trace directory (or a single process file). Everything is checked
 * before this returns: on failure, NULL and a one-line message in `error`
 * naming the file and what is wrong. Problems that lose only part of a trace
 * (a process killed mid-record, a truncated chunk) are warnings instead. */
struct snag_trace *snag_trace_open(const char *path, char *error, size_t error_size);
void snag_trace_close(struct snag_trace *trace);

size_t snag_trace_warning_count(const struct snag_trace *trace);
const char *snag_trace_warning(const struct snag_trace *trace, size_t index);

/* Times are nanoseconds since the trace's start (the earliest of the
 * launcher's start and every process's first record). */
uint64_t snag_trace_start_monotonic_ns(const struct snag_trace *trace);
uint64_t snag_trace_start_realtime_ns(const struct snag_trace *trace);
uint64_t snag_trace_end_ns(const struct snag_trace *trace);
uint64_t snag_trace_event_count(const struct snag_trace *trace);

#define SNAG_NO_INDEX UINT32_MAX

struct snag_process_info {
    uint32_t index;
    int32_t pid;
    int32_t ppid;
    uint32_t parent;       /* index of the parent process in the trace, or SNAG_NO_INDEX */
    uint32_t image_seq;    /* 0 for a pid's first image, then +1 per later one (exec, pid reuse) */
    uint32_t exec_from;    /* index of the image of the same pid that exec'd into this one, or SNAG_NO_INDEX */
    int forked;            /* created by a fork in a traced parent */
    uint32_t argc;
    const char *const *argv; /* raw bytes from the trace: sanitise before display */
    const char *exe;
    uint32_t exit_kind;    /* enum snag_exit_kind */
    int32_t exit_value;
    uint64_t start_ns;
    uint64_t end_ns;
    uint64_t dropped_records;
    uint32_t first_thread; /* its threads are first_thread .. first_thread + thread_count - 1 */
    uint32_t thread_count;
    const char *file;      /* path of its trace file */
};

struct snag_thread_info {
    uint32_t index;         /* trace-wide */
    uint32_t process;       /* process index */
    uint32_t local_index;   /* thread index inside its process file */
    int32_t tid;
    int is_main;
    uint64_t pthread_self;
    uint64_t start_routine; /* address of the routine it was started with, 0 if unknown */
    const char *name;       /* last name recorded, "" if none; sanitise before display */
    uint64_t start_ns;
    uint64_t end_ns;
    int exit_how;           /* enum snag_thread_exit, or -1 if its end was not recorded */
    uint64_t event_count;
    /* Where its process's wait-state table left it (snag/waits.h): blocked
     * or not when the process ended (or when the trace was read). */
    struct snag_thread_blocked {
        int blocked;         /* 1: in a wait at the end */
        int timed;           /* ... one that would have ended by itself */
        int process_shared;  /* ... on an object another process could release */
        uint8_t object_class;
        uint8_t op;          /* SNAG_OP_WAIT or SNAG_OP_WAIT_SHARED */
        uint64_t object;
        uint64_t site;
        uint64_t since_ns;
        uint32_t stack;
    } at_end;
};

struct snag_module_info {
    uint32_t process;
    const char *path;
    uint64_t base_address;
    uint64_t low_address;
    uint64_t high_address;
    const uint8_t *build_id;
    size_t build_id_size;
    uint64_t load_ns;
};

size_t snag_trace_process_count(const struct snag_trace *trace);
const struct snag_process_info *snag_trace_process(const struct snag_trace *trace, size_t index);
size_t snag_trace_thread_count(const struct snag_trace *trace);
const struct snag_thread_info *snag_trace_thread(const struct snag_trace *trace, size_t index);
size_t snag_trace_module_count(const struct snag_trace *trace);
const struct snag_module_info *snag_trace_module(const struct snag_trace *trace, size_t index);
/* Name given to a named semaphore at `address` in `process`, or NULL. */
const char *snag_trace_semaphore_name(const struct snag_trace *trace, uint32_t process, uint64_t address);

/* A deadlock the shim found online (a FINDING record): the threads of the
 * cycle, each waiting on an object that another of them (holder) holds. */
struct snag_deadlock_member {
    uint32_t thread;      /* trace-wide thread index, SNAG_NO_INDEX if its tid is not in the trace */
    int32_t tid;
    uint32_t holder;      /* index into the members of the one holding `object` */
    uint8_t object_class; /* what it waits on */
    uint8_t op;
    uint64_t object;
    uint64_t site;        /* where it waits */
    uint64_t since_ns;
    uint32_t stack;
};
struct snag_recorded_deadlock {
    uint32_t process;
    uint32_t thread;      /* the thread whose wait closed the cycle */
    uint64_t time_ns;     /* when it was found */
    size_t member_count;
    const struct snag_deadlock_member *members;
};
size_t snag_trace_deadlock_count(const struct snag_trace *trace);
const struct snag_recorded_deadlock *snag_trace_deadlock(const struct snag_trace *trace, size_t index);
/* The hang timeout the run used (snag run --hang-timeout), or 0 if unknown. */
uint64_t snag_trace_hang_timeout_ns(const struct snag_trace *trace);

/* What a process did to another: forked, exec'd, spawned, waited, reaped. */
struct snag_process_event {
    uint64_t time_ns;
    uint32_t process;   /* the process that did it */
    uint32_t thread;
    uint32_t kind;      /* enum snag_process_event_kind */
    int32_t pid;        /* the other process (exec: its own) */
    int32_t status;     /* WAITED: raw wait status; EXEC_FAILED: errno */
    const char *path;   /* EXEC, SPAWN: what was executed ("" otherwise); untrusted */
};
/* pid 0 in SPAWN, WAIT and WAITED: a command run by system() or popen()/pclose() whose
 * shell the reader could not tell for sure (FORMAT.md says how it finds it). */
size_t snag_trace_process_event_count(const struct snag_trace *trace);
const struct snag_process_event *snag_trace_process_event(const struct snag_trace *trace, size_t index);

/* One record about an object, decoded. */
struct snag_event {
    uint64_t time_ns;
    uint32_t thread;       /* trace-wide thread index */
    uint32_t process;
    uint8_t object_class;  /* enum snag_object_class */
    uint8_t op;            /* enum snag_op */
    uint16_t aux;          /* for FAILED, WAKE, ATTRIBUTE, EXIT (see format.h); for ACQUIRE and
                              ACQUIRE_SHARED, SNAG_EVENT_BY_TRY when a try call took it; 0 otherwise */
    uint64_t object;       /* the object's address (thread class: its pthread_t) */
    uint64_t site;         /* the caller's return address, 0 if none */
    uint32_t stack;        /* the stack captured with this very record (a STACK_REF before it), 0 if none:
                              resolve it with snag_trace_stack (snag/stacks.h) and this event's process.
                              Never inherited: a REACQUIRE's copy of its acquisition has 0 */
};

#define SNAG_EVENT_BY_TRY 1u /* aux of an acquisition made by a try call (it never blocked) */

struct snag_event_cursor;
/* Every event of the trace in time order (ties: by thread). */
struct snag_event_cursor *snag_events_all(const struct snag_trace *trace);
/* The events of one thread, in its order. */
struct snag_event_cursor *snag_events_of_thread(const struct snag_trace *trace, uint32_t thread);
/* 1 and the next event in *event, or 0 at the end. */
int snag_event_next(struct snag_event_cursor *cursor, struct snag_event *event);
void snag_event_cursor_free(struct snag_event_cursor *cursor);

const char *snag_class_name(unsigned object_class); /* "mutex", "rwlock", ... */
const char *snag_process_event_name(unsigned kind); /* "fork", "exec", "spawn", "waited", ... */

#endif
