/* snag trace format: the contract between the shim (writer) and every reader.
 *
 * libtrace/FORMAT.md explains this file in prose; keep the two in step and bump
 * SNAG_FORMAT_VERSION on any change a reader of the previous version would misread.
 *
 * All integers are little-endian (the shim writes native x86-64/aarch64 order,
 * and snag only runs on little-endian machines). Every record is a multiple of
 * 8 bytes and 8-byte aligned inside its chunk.
 */
#ifndef SNAG_FORMAT_H
#define SNAG_FORMAT_H

#include <stdint.h>

#define SNAG_FORMAT_VERSION 3u
#define SNAG_FILE_MAGIC "SNAGTRC\0"      /* 8 bytes at offset 0 of a process file */
#define SNAG_LAUNCHER_MAGIC "SNAGRUN\0"  /* 8 bytes at offset 0 of launcher.snag */
#define SNAG_CHUNK_MAGIC 0x4b4e4843u     /* "CHNK" */

#define SNAG_FILE_HEADER_SIZE 4096u
#define SNAG_CHUNK_HEADER_SIZE 64u
#define SNAG_DEFAULT_CHUNK_SIZE (64u * 1024u) /* what the shim writes; readers take chunk_size from the header */
#define SNAG_SITE_TABLE_ENTRIES 16384u /* call-site ids 1..16384 */

/* Name of the file the launcher (`snag run`) writes in the trace directory. */
#define SNAG_LAUNCHER_FILE "launcher.snag"
/* Process files are named "<pid>.snag", or "<pid>.<n>.snag" for the n-th
 * image of that pid (after exec, or on pid reuse). */
#define SNAG_PROCESS_FILE_SUFFIX ".snag"

/* time source of a file's ticks */
enum snag_clock_source {
    SNAG_CLOCK_TSC = 1,       /* x86 time-stamp counter, invariant across cores */
    SNAG_CLOCK_MONOTONIC = 2, /* CLOCK_MONOTONIC nanoseconds (tick_hz = 1e9) */
};

enum snag_exit_kind {
    SNAG_EXIT_UNKNOWN = 0, /* still running, or died without a word (SIGKILL) */
    SNAG_EXIT_STATUS = 1,  /* exit code in exit_value */
    SNAG_EXIT_SIGNAL = 2,  /* killed by signal exit_value */
    SNAG_EXIT_EXEC = 3,    /* replaced by a new image (execve succeeded) */
};

/* Offset 0 of every process file: one page. Fields marked (live) are updated
 * while the process runs; everything else is written once before the first chunk. */
struct snag_file_header {
    char magic[8];
    uint32_t format_version;
    uint32_t header_size;     /* SNAG_FILE_HEADER_SIZE */
    uint32_t chunk_size;      /* bytes per chunk, a multiple of 4096 */
    uint32_t clock_source;    /* enum snag_clock_source */
    uint64_t chunk_count;     /* (live) chunks allocated so far; file holds at least this many */
    uint64_t tick_hz;         /* ticks per second */
    uint64_t tick_origin;     /* raw clock value at tick 0; record ticks are relative to it */
    uint64_t anchor_ticks;    /* ticks at which the anchors below were read */
    uint64_t anchor_monotonic_ns; /* CLOCK_MONOTONIC at anchor_ticks */
    uint64_t anchor_realtime_ns;  /* CLOCK_REALTIME at anchor_ticks */
    int32_t pid;
    int32_t ppid;
    uint32_t image_seq;       /* n of "<pid>.<n>.snag": 0 for the first image of this pid, +1 per later one */
    uint32_t exit_kind;       /* (live) enum snag_exit_kind */
    int32_t exit_value;       /* (live) exit code or signal number */
    uint32_t flags;           /* SNAG_FILE_* */
    uint64_t end_ticks;       /* (live) ticks of exit/exec, 0 while running */
    uint64_t dropped_records; /* (live) records lost (no space, too many threads) */
    uint64_t site_table_offset;  /* file offset of the call-site table */
    uint32_t site_table_entries; /* SNAG_SITE_TABLE_ENTRIES */
    uint32_t first_chunk_offset; /* file offset of chunk 0 */
    uint64_t fork_parent_ticks;  /* ticks of the fork that made this process, 0 if none seen */
    int32_t fork_parent_pid;     /* pid of the traced parent that forked us, 0 if none */
    uint32_t reserved0;
    uint64_t wait_table_offset;  /* file offset of the wait-state table (0: none, older shims) */
    uint32_t wait_table_entries; /* slots in it */
    uint32_t wait_slot_size;     /* bytes per slot: sizeof(struct snag_wait_slot) */
    uint64_t reserved[30];
};

#define SNAG_FILE_FOLLOWS_FORK 0x1u /* this process was created by a traced fork */

/* The call-site table: site_table_entries 64-bit slots, each 0 (free) or a
 * return address. Call-site id N (1-based) names slot N-1. Slots are filled
 * lock-free by any thread and never change once set. */

/* The wait-state table: what each live thread of the process is blocked on
 * right now. Unlike records, which say what happened, a slot is overwritten
 * in place: it is how the shim finds deadlock cycles the moment they close
 * (other threads' slots), how `snag run` sees a process whose threads all
 * hang, and, after a crash or kill, what every thread was waiting on at the
 * end. A thread claims a free slot (tid 0) with its first chunk and frees it
 * when it ends. Written only on slow paths (a wait that blocks), except
 * held[], which spinlock and rwlock read acquisitions maintain, since
 * nothing else says who holds those. */
#define SNAG_WAIT_TABLE_ENTRIES 512u
#define SNAG_WAIT_HELD_MAX 8u
#define SNAG_WAIT_HELD_OVERFLOW 0xffu /* held_count: more were held than fit: the list is incomplete */

enum snag_wait_flags {
    SNAG_WAIT_TIMED = 0x1,          /* a timed wait (timedlock, timedwait, clockwait, timedjoin): it ends by itself */
    SNAG_WAIT_PROCESS_SHARED = 0x2, /* on a process-shared object: another process may end it */
};

struct snag_wait_slot {
    int32_t tid;             /* 0: free */
    uint32_t wait_seq;       /* +1 when a wait begins and when it ends: odd while blocked */
    uint64_t pthread_self;   /* the thread's pthread_t (what a join waits on) */
    uint64_t object;         /* while blocked: what it waits on */
    uint64_t site;           /* where it waits (return address) */
    uint64_t since_ticks;    /* when the wait began */
    uint8_t object_class;    /* enum snag_object_class */
    uint8_t op;              /* SNAG_OP_WAIT or SNAG_OP_WAIT_SHARED */
    uint8_t flags;           /* enum snag_wait_flags */
    uint8_t held_count;      /* entries of held[] in use, or SNAG_WAIT_HELD_OVERFLOW */
    uint32_t stack;          /* stack id captured at the wait, 0 if none */
    uint64_t held[SNAG_WAIT_HELD_MAX]; /* spinlocks and rwlock read locks this thread holds */
    uint64_t releases;                 /* a condition wait: the mutex it gives up inside the call, else 0 */
    uint64_t reserved;
};

/* Each chunk starts with this header and belongs to one thread of the process. */
struct snag_chunk_header {
    uint32_t magic;        /* SNAG_CHUNK_MAGIC */
    uint32_t thread_index; /* process-unique, in order of first record: 1, 2, ... */
    int32_t tid;           /* kernel thread id */
    uint32_t chunk_seq;    /* 0, 1, 2, ... within the thread; a crash may leave two identical copies of one (FORMAT.md) */
    uint64_t first_ticks;  /* ticks when the chunk was taken */
    uint64_t reserved[5];
};

/* ---- records ----
 * word0 = type (bits 0..7) | ticks (bits 8..63, 56 bits, relative to tick_origin).
 * A word0 of 0 marks the end of the valid data in a chunk: chunks start zeroed,
 * and the writer stores word0 last, so a record torn by a crash reads as the end.
 *
 * type 0x08..0x0f: a short record of 8 bytes (word0 only).
 * other type < 0x80: a fixed record of 16 bytes; word1 is defined per type, by
 *   default object address (bits 0..47) | aux (bits 48..63).
 * type >= 0x80: a variable record; word1 bits 0..31 hold its total length in
 *   bytes (a multiple of 8, >= 16), bits 32..63 are type-specific; the payload
 *   follows. A reader skips types it does not know, using these rules.
 *
 * Fixed types are (class << 4) | op for the object classes 1..7, and class 0
 * holds the control records.
 */
#define SNAG_RECORD_VARIABLE 0x80u
#define SNAG_ADDRESS_BITS 48u
#define SNAG_ADDRESS_MASK ((UINT64_C(1) << SNAG_ADDRESS_BITS) - 1)
#define SNAG_TICKS_MAX ((UINT64_C(1) << 56) - 1)

/* aux values for call sites */
#define SNAG_SITE_NONE 0u          /* no call site */
#define SNAG_SITE_IN_RECORD 0xffffu /* the site is in the SITE record just before */

enum snag_object_class {
    SNAG_CLASS_CONTROL = 0,
    SNAG_CLASS_MUTEX = 1,   /* pthread_mutex_t and C11 mtx_t */
    SNAG_CLASS_RWLOCK = 2,
    SNAG_CLASS_SPIN = 3,
    SNAG_CLASS_COND = 4,    /* pthread_cond_t and C11 cnd_t */
    SNAG_CLASS_SEM = 5,     /* unnamed and named POSIX semaphores */
    SNAG_CLASS_BARRIER = 6,
    SNAG_CLASS_THREAD = 7,  /* object = the pthread_t of the thread concerned */
};

enum snag_op {
    SNAG_OP_INIT = 0,        /* aux = site */
    SNAG_OP_DESTROY = 1,     /* aux = site */
    SNAG_OP_ACQUIRE = 2,     /* exclusive acquisition / sem decrement / join done; aux = site */
    SNAG_OP_ACQUIRE_SHARED = 3, /* rwlock read acquisition; aux = site */
    SNAG_OP_WAIT = 4,        /* about to block for exclusive use (the try failed); aux = site */
    SNAG_OP_WAIT_SHARED = 5, /* about to block for a read lock; aux = site */
    SNAG_OP_FAILED = 6,      /* the operation just begun on this object (a wait, a release, a destroy) failed: aux = errno, or SNAG_AUX_CANCELLED */
    SNAG_OP_TRY_BUSY = 7,    /* a try-operation found the object busy; aux = site */
    SNAG_OP_RELEASE = 8,     /* unlock / sem post / (thread) detach; aux = site */
    SNAG_OP_SIGNAL = 9,      /* cond signal; aux = site */
    SNAG_OP_BROADCAST = 10,  /* cond broadcast; aux = site */
    SNAG_OP_WAKE = 11,       /* cond/barrier wait returned; aux = return value (barrier: 1 = serial thread) */
    SNAG_OP_ATTRIBUTE = 12,  /* aux = class-specific attribute, see below */
    SNAG_OP_START = 13,      /* thread: first record of a thread created by pthread_create/thrd_create */
    SNAG_OP_EXIT = 14,       /* thread: the thread ends; aux = SNAG_THREAD_EXIT_* */
    SNAG_OP_CREATE = 15,     /* thread: this thread created the object thread; aux = site */
};

#define SNAG_AUX_CANCELLED 0xffffu

/* SNAG_OP_ATTRIBUTE meanings:
 *   mutex: aux = kind (0 normal, 1 recursive, 2 errorcheck, 3 adaptive) | 0x100 if robust
 *          | 0x200 if priority-inherit
 *   rwlock: aux = 1 if writer-preferring
 *   sem: aux = initial value (saturated at 0xfffe) | 0 ; named semaphores get
 *        a SEM_NAME variable record too
 *   barrier: aux = count (saturated at 0xffff)
 */

enum snag_thread_exit {
    SNAG_THREAD_EXIT_RETURN = 0,
    SNAG_THREAD_EXIT_PTHREAD_EXIT = 1,
    SNAG_THREAD_EXIT_CANCELLED = 2,
    SNAG_THREAD_EXIT_PROCESS = 3, /* the whole process exits (exit/_exit) */
};

#define SNAG_TYPE(cls, op) ((uint8_t)(((cls) << 4) | (op)))

/* control records (class 0) */
enum snag_control_type {
    SNAG_REC_SITE = 0x01,         /* word1 = full return address of the next record's site */
    SNAG_REC_OBJECT = 0x02,       /* word1 = full object address of the next record (> 48 bits) */
    SNAG_REC_CLOCK_ANCHOR = 0x03, /* word1 = CLOCK_MONOTONIC ns at this record's ticks */
    SNAG_REC_PROCESS_EXIT = 0x04, /* reserved */
    SNAG_REC_STACK_REF = 0x05,    /* word1 = stack id (a STACK record of this process file) captured with the
                                     next record of classes 1..7 in this chunk (SITE, OBJECT and variable
                                     records may come between; a short record cancels it) */
    /* 0x06, 0x07: reserved for the OpenCL issue's fixed records, if it needs any */
    /* short (8-byte) records */
    SNAG_REC_RELEASE_PREVIOUS = 0x08, /* releases the lock the record just before acquired (an ACQUIRE,
                                         ACQUIRE_SHARED or REACQUIRE of classes 1..6 in this chunk) */
    SNAG_REC_REACQUIRE = 0x09,        /* the same acquisition (type, object, call site) as the last ACQUIRE
                                         or ACQUIRE_SHARED record of classes 1..6 in this chunk: a lock
                                         loop's pair in 16 bytes */
    SNAG_REC_BY_TRY = 0x0a,           /* the next acquisition record in this chunk (ACQUIRE, ACQUIRE_SHARED or
                                         REACQUIRE) was made by a successful trylock of a mutex, rwlock or
                                         spinlock (not sem_trywait: see FORMAT.md) */
    SNAG_REC_REACQUIRE_RELEASE = 0x0b, /* (format 2) a REACQUIRE and the RELEASE_PREVIOUS after it in one word:
                                          bits 8..43 the acquisition's ticks minus the chunk's first_ticks,
                                          bits 44..63 the ticks it was held: a lock loop's pair in 8 bytes */
};
#define SNAG_RECORD_IS_SHORT(type) (((type) & 0xf8u) == 0x08u)
#define SNAG_PAIR_OFFSET_BITS 36u
#define SNAG_PAIR_OFFSET_MAX ((UINT64_C(1) << SNAG_PAIR_OFFSET_BITS) - 1)
#define SNAG_PAIR_HOLD_MAX ((UINT64_C(1) << (56u - SNAG_PAIR_OFFSET_BITS)) - 1)
#define SNAG_PAIR_WORD(offset, hold) \
    (((uint64_t)(hold) << (8u + SNAG_PAIR_OFFSET_BITS)) | ((uint64_t)(offset) << 8) | SNAG_REC_REACQUIRE_RELEASE)
#define SNAG_PAIR_OFFSET(word0) (((word0) >> 8) & SNAG_PAIR_OFFSET_MAX)
#define SNAG_PAIR_HOLD(word0) ((word0) >> (8u + SNAG_PAIR_OFFSET_BITS))

/* variable records */
enum snag_variable_type {
    SNAG_REC_THREAD_NAME = 0x80,  /* u64 pthread_t, then NUL-terminated name */
    SNAG_REC_MODULE = 0x81,       /* struct snag_module_record, build id, path */
    SNAG_REC_PROCESS_INFO = 0x82, /* struct snag_process_record, argv strings, exe path */
    SNAG_REC_SEM_NAME = 0x83,     /* u64 sem_t address, then NUL-terminated name */
    SNAG_REC_THREAD_INFO = 0x84,  /* struct snag_thread_record */
    SNAG_REC_PROCESS_EVENT = 0x85, /* struct snag_process_event_record, then a NUL-terminated path (exec) */
    SNAG_REC_STACK = 0x86,        /* word1 bits 32..63 = stack id (unique in its process file, 1..); payload:
                                     u64 return addresses, innermost first, the shim's frames left out; written
                                     once per distinct stack, by the first thread that saw it */
    SNAG_REC_FINDING = 0x87,      /* a finding the shim detected online (deadlock); struct snag_finding_record */
    /* 0x88..0x8f: reserved for more findings records */
    /* 0x90..0x9f: OpenCL host calls and device commands */
    SNAG_REC_OPENCL_CALL = 0x90,    /* an OpenCL API call: struct snag_opencl_call_record, then a text */
    SNAG_REC_OPENCL_COMMAND = 0x91, /* a device command completed: struct snag_opencl_command_record */
    SNAG_REC_OPENCL_OBJECT = 0x92,  /* struct snag_opencl_object_record, then a name (ends at a NUL or the record's end) */
    SNAG_REC_OPENCL_CLOCK = 0x93,   /* a device clock's calibration: struct snag_opencl_clock_record */
    /* 0x94..0x9f: reserved for more OpenCL records */
};
#define SNAG_REC_OPENCL_FIRST 0x90u
#define SNAG_REC_OPENCL_LAST 0x9fu

/* SNAG_REC_FINDING: what the shim proved online. word1 bits 32..63 = kind.
 * Payload: struct snag_finding_record, then participant_count x struct
 * snag_finding_participant. */
enum snag_finding_record_kind {
    SNAG_FINDING_DEADLOCK = 1, /* a cycle of threads each waiting for a lock the next one holds */
};

struct snag_finding_record {
    uint32_t participant_count;
    uint32_t reserved0;
    uint64_t reserved;
};

/* A deadlock participant: a thread, what it waits on, and who holds that.
 * Participant i waits on an object that participant holder_index holds. */
struct snag_finding_participant {
    int32_t tid;
    uint32_t holder_index;  /* index of the participant holding `object` (itself for a relock) */
    uint64_t object;        /* what it waits on */
    uint64_t site;          /* where it waits */
    uint64_t since_ticks;   /* since when */
    uint8_t object_class;
    uint8_t op;             /* SNAG_OP_WAIT or SNAG_OP_WAIT_SHARED */
    uint16_t reserved0;
    uint32_t stack;         /* stack id captured at its wait, 0 if none */
};

/* SNAG_REC_PROCESS_EVENT kinds: what this process did to or about another. */
enum snag_process_event_kind {
    SNAG_PROCESS_FORK = 1,        /* pid = the child just forked */
    SNAG_PROCESS_EXEC = 2,        /* about to execve the path; pid = our own */
    SNAG_PROCESS_EXEC_FAILED = 3, /* the exec returned; status = errno */
    SNAG_PROCESS_SPAWN = 4,       /* posix_spawn made pid (it execs the path); pid 0: system()/popen()
                                     ran the path as a shell command, pid unknown (also in WAIT/WAITED) */
    SNAG_PROCESS_WAIT = 5,        /* a blocking wait begins; pid = what was asked (-1 any, >0 one child) */
    SNAG_PROCESS_WAITED = 6,      /* a child was reaped: pid, status = its raw wait status */
};

struct snag_process_event_record {
    uint32_t kind;   /* enum snag_process_event_kind */
    int32_t pid;
    int32_t status;
    uint32_t reserved;
};

/* SNAG_REC_MODULE payload (after word0, word1). word1 bits 32..63 = 0. */
struct snag_module_record {
    uint64_t base_address; /* load bias (l_addr): ELF vaddr + base = runtime address */
    uint64_t low_address;  /* lowest mapped address of its PT_LOAD segments */
    uint64_t high_address; /* one past the highest */
    uint16_t build_id_size;
    uint16_t path_size;    /* including the terminating NUL */
    uint32_t reserved;
    /* build_id_size bytes of build id, then path_size bytes of path, zero padding to 8 */
};

/* SNAG_REC_PROCESS_INFO payload. */
struct snag_process_record {
    uint32_t argc;
    uint32_t strings_size; /* bytes of argv strings + exe path, each NUL-terminated */
    /* argv[0] .. argv[argc-1], then the executable path, zero padding to 8 */
};

/* SNAG_REC_THREAD_INFO payload: written once per thread, at its first record. */
struct snag_thread_record {
    uint64_t pthread_self; /* the thread's pthread_t */
    uint64_t stack_low;    /* its stack, if known (0 otherwise) */
    uint64_t stack_high;
    int32_t tid;
    uint32_t is_main;      /* 1 for the process's initial thread */
};

/* ---- OpenCL ----
 * The shim records every OpenCL API call a program makes (OPENCL_CALL, on the
 * calling thread, stamped with the call's start) and, for every command it
 * enqueues, the device's four profiling timestamps once the command is done
 * (OPENCL_COMMAND, written by whichever runtime thread completes it). The two
 * meet by command id. Device timestamps are in the device's clock:
 * OPENCL_CLOCK records say how to map them onto the trace's time base. */

/* Which function an OPENCL_CALL is about. The values are part of the
 * format: append, never renumber. */
enum snag_opencl_function {
    SNAG_CL_UNKNOWN = 0,
    SNAG_CL_CREATE_CONTEXT = 1,
    SNAG_CL_CREATE_CONTEXT_FROM_TYPE = 2,
    SNAG_CL_RELEASE_CONTEXT = 3,
    SNAG_CL_CREATE_COMMAND_QUEUE = 4,
    SNAG_CL_CREATE_COMMAND_QUEUE_WITH_PROPERTIES = 5,
    SNAG_CL_RELEASE_COMMAND_QUEUE = 6,
    SNAG_CL_CREATE_PROGRAM_WITH_SOURCE = 7,  /* detail = FNV-1a hash of the source, bytes = its length */
    SNAG_CL_CREATE_PROGRAM_WITH_BINARY = 8,
    SNAG_CL_CREATE_PROGRAM_WITH_IL = 9,
    SNAG_CL_BUILD_PROGRAM = 10,              /* text = the build log when the build failed */
    SNAG_CL_COMPILE_PROGRAM = 11,            /* text = the build log when it failed */
    SNAG_CL_LINK_PROGRAM = 12,
    SNAG_CL_RELEASE_PROGRAM = 13,
    SNAG_CL_CREATE_KERNEL = 14,              /* object = the kernel (named by an OPENCL_OBJECT), detail = its program */
    SNAG_CL_CREATE_KERNELS_IN_PROGRAM = 15,
    SNAG_CL_CLONE_KERNEL = 16,
    SNAG_CL_SET_KERNEL_ARG = 17,
    SNAG_CL_RELEASE_KERNEL = 18,
    SNAG_CL_CREATE_BUFFER = 19,              /* object = the buffer, bytes = its size */
    SNAG_CL_CREATE_SUB_BUFFER = 20,
    SNAG_CL_CREATE_IMAGE = 21,
    SNAG_CL_RELEASE_MEM_OBJECT = 22,
    SNAG_CL_SVM_ALLOC = 23,
    SNAG_CL_SVM_FREE = 24,
    SNAG_CL_ENQUEUE_NDRANGE_KERNEL = 25,     /* object = the kernel; work_dim, global_size, local_size */
    SNAG_CL_ENQUEUE_TASK = 26,
    SNAG_CL_ENQUEUE_READ_BUFFER = 27,        /* object = the buffer, bytes transferred */
    SNAG_CL_ENQUEUE_WRITE_BUFFER = 28,
    SNAG_CL_ENQUEUE_READ_BUFFER_RECT = 29,
    SNAG_CL_ENQUEUE_WRITE_BUFFER_RECT = 30,
    SNAG_CL_ENQUEUE_COPY_BUFFER = 31,
    SNAG_CL_ENQUEUE_COPY_BUFFER_RECT = 32,
    SNAG_CL_ENQUEUE_FILL_BUFFER = 33,
    SNAG_CL_ENQUEUE_MAP_BUFFER = 34,
    SNAG_CL_ENQUEUE_UNMAP_MEM_OBJECT = 35,
    SNAG_CL_ENQUEUE_READ_IMAGE = 36,
    SNAG_CL_ENQUEUE_WRITE_IMAGE = 37,
    SNAG_CL_ENQUEUE_COPY_IMAGE = 38,
    SNAG_CL_ENQUEUE_FILL_IMAGE = 39,
    SNAG_CL_ENQUEUE_COPY_IMAGE_TO_BUFFER = 40,
    SNAG_CL_ENQUEUE_COPY_BUFFER_TO_IMAGE = 41,
    SNAG_CL_ENQUEUE_MAP_IMAGE = 42,
    SNAG_CL_ENQUEUE_MARKER = 43,
    SNAG_CL_ENQUEUE_MARKER_WITH_WAIT_LIST = 44,
    SNAG_CL_ENQUEUE_BARRIER = 45,
    SNAG_CL_ENQUEUE_BARRIER_WITH_WAIT_LIST = 46,
    SNAG_CL_ENQUEUE_WAIT_FOR_EVENTS = 47,
    SNAG_CL_ENQUEUE_MIGRATE_MEM_OBJECTS = 48,
    SNAG_CL_ENQUEUE_SVM_FREE = 49,
    SNAG_CL_ENQUEUE_SVM_MEMCPY = 50,
    SNAG_CL_ENQUEUE_SVM_MEM_FILL = 51,
    SNAG_CL_ENQUEUE_SVM_MAP = 52,
    SNAG_CL_ENQUEUE_SVM_UNMAP = 53,
    SNAG_CL_ENQUEUE_SVM_MIGRATE_MEM = 54,
    SNAG_CL_FINISH = 55,
    SNAG_CL_FLUSH = 56,
    SNAG_CL_WAIT_FOR_EVENTS = 57,            /* bytes = number of events */
    SNAG_CL_GET_EVENT_INFO = 58,             /* detail = the param_name asked */
    SNAG_CL_GET_EVENT_PROFILING_INFO = 59,
    SNAG_CL_RETAIN_EVENT = 60,               /* object = the event */
    SNAG_CL_RELEASE_EVENT = 61,
    SNAG_CL_CREATE_USER_EVENT = 62,
    SNAG_CL_SET_USER_EVENT_STATUS = 63,
    SNAG_CL_SET_EVENT_CALLBACK = 64,
    SNAG_CL_FUNCTION_COUNT = 65,
};

/* OPENCL_CALL flags */
#define SNAG_OPENCL_BLOCKING 0x1u     /* a blocking enqueue (blocking read, write or map) */
#define SNAG_OPENCL_WAITS 0x2u        /* the host waits for the device in this call (blocking enqueue,
                                         clFinish, clWaitForEvents) */
#define SNAG_OPENCL_PROGRAM_EVENT 0x4u /* the program asked for the command's event (object `event`);
                                          it owns it and must release it */
#define SNAG_OPENCL_PROFILED 0x8u     /* a command was enqueued and its OPENCL_COMMAND will follow */

/* SNAG_REC_OPENCL_CALL payload. word0's ticks are the call's start. */
struct snag_opencl_call_record {
    uint64_t end_ticks;      /* when the call returned */
    uint64_t site;           /* the caller's return address */
    uint64_t queue;          /* the command queue (created or used), 0 if none */
    uint64_t object;         /* the call's object: kernel, buffer, program, context (see the function) */
    uint64_t event;          /* the event the program got or passed, 0 if none */
    uint64_t command;        /* id of the command enqueued (its OPENCL_COMMAND), 0 if none */
    uint64_t bytes;          /* bytes transferred, filled, mapped or allocated */
    uint64_t detail;         /* per function, see enum snag_opencl_function */
    uint64_t global_size[3]; /* NDRange: global and local work sizes (0 beyond work_dim, local 0 = */
    uint64_t local_size[3];  /*   left to the runtime) */
    uint32_t function;       /* enum snag_opencl_function */
    int32_t result;          /* the cl_int returned, or through errcode_ret */
    uint16_t work_dim;
    uint16_t flags;          /* SNAG_OPENCL_* */
    uint32_t reserved;
    /* a text (a failed build's log) or nothing: it ends at a NUL or at the record's end */
};

/* SNAG_REC_OPENCL_COMMAND payload: the device's CL_PROFILING_COMMAND_* times
 * of one command, in the device clock (ns). Written when it completed, by the
 * thread the runtime completed it on. */
struct snag_opencl_command_record {
    uint64_t command;        /* the id its OPENCL_CALL carries */
    uint64_t queue;
    uint64_t queued_ns;
    uint64_t submit_ns;
    uint64_t start_ns;
    uint64_t end_ns;
    uint32_t command_type;   /* CL_COMMAND_* */
    int32_t status;          /* 0 = CL_COMPLETE, negative: the error that ended it */
};

enum snag_opencl_object_kind {
    SNAG_OPENCL_QUEUE = 1,   /* parent = device, value = the properties the program asked for, name = device name */
    SNAG_OPENCL_KERNEL = 2,  /* parent = program, name = the kernel's function name */
};

/* SNAG_REC_OPENCL_OBJECT payload, then a name of up to 255 bytes (ends at a NUL or the record's end). */
struct snag_opencl_object_record {
    uint64_t handle;
    uint64_t parent;
    uint64_t value;
    uint32_t kind;           /* enum snag_opencl_object_kind */
    uint32_t reserved;
};

enum snag_opencl_clock_method {
    SNAG_OPENCL_CLOCK_DEVICE_AND_HOST_TIMER = 1, /* device_ns read by clGetDeviceAndHostTimer between
                                                    host_ticks_before and host_ticks_after */
    SNAG_OPENCL_CLOCK_MEASURED = 2,              /* the device has no such timer: readers bound the offset
                                                    by each command's QUEUED time, which the runtime takes
                                                    inside the enqueue call */
};

/* SNAG_REC_OPENCL_CLOCK payload: one per device, at its first queue. */
struct snag_opencl_clock_record {
    uint64_t device;
    uint64_t device_ns;
    uint64_t host_ticks_before;
    uint64_t host_ticks_after;
    uint32_t method;         /* enum snag_opencl_clock_method */
    uint32_t reserved;
};

/* The launcher file written by `snag run`: a header, then process-exit entries. */
struct snag_launcher_header {
    char magic[8];           /* SNAG_LAUNCHER_MAGIC */
    uint32_t format_version;
    uint32_t entry_count;    /* number of struct snag_launcher_entry that follow */
    uint64_t tick_hz;        /* the run's calibrated clock (same source as the processes) */
    uint32_t clock_source;
    int32_t child_pid;       /* the program snag run started */
    uint64_t start_raw_clock;        /* raw clock value at start */
    uint64_t start_monotonic_ns;
    uint64_t start_realtime_ns;
    uint64_t end_raw_clock;          /* raw clock at the end (0 if snag run died) */
    uint64_t end_monotonic_ns;
    uint64_t hang_timeout_ns;        /* --hang-timeout of the run (0: not set, the reader's default) */
    uint64_t reserved[7];
};

struct snag_launcher_entry { /* one per process whose end snag run saw */
    int32_t pid;
    uint32_t exit_kind;   /* enum snag_exit_kind */
    int32_t exit_value;
    uint32_t reserved;
    uint64_t end_monotonic_ns;
};

#endif
