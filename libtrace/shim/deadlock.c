/* Online deadlock detection. Runs only in a thread that is about to block
 * (its try failed), never on the uncontended path.
 *
 * The wait-for graph is read from the wait-state table (wait_state.h): each
 * blocked thread's slot says what it waits on; who holds that comes from the
 * object itself where glibc's public struct says so (a mutex's __owner, an
 * rwlock's __cur_writer), from the holders' own slots (spinlocks, rwlock
 * read locks), from the semaphore-as-lock table, or, for a join, from the
 * joined thread's slot.
 *
 * A thread is stuck when it is blocked (not in a timed wait) on an object
 * whose every holder is stuck; the waiter that finds itself stuck through a
 * path that comes back to it has closed a cycle. The table changes under our
 * feet, so a cycle counts only when a second search finds exactly the same
 * threads in the same waits (same wait_seq) with the same holders: a thread
 * that stays inside one wait cannot release what it holds, so over that
 * interval every holder kept its lock and every waiter stayed blocked. */
#define _GNU_SOURCE
#include "deadlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "real.h"
#include "snag/exit_status.h"
#include "snag/task_state.h"
#include "wait_state.h"
#include "writer.h"

#define MAX_PARTICIPANTS 16u
#define MAX_HOLDERS 8u

enum visit_state { VISITING, STUCK };

struct participant {
    struct snag_wait_slot *slot;
    uint32_t seq;
    int32_t tid;
    uint64_t object, site, since_ticks;
    uint8_t object_class, op, state;
    uint32_t stack;
    uint32_t holder; /* index of the participant that holds `object` */
};

struct search {
    struct snag_wait_slot *table;
    struct snag_wait_slot *origin;
    struct participant participants[MAX_PARTICIPANTS];
    unsigned count;
};

static struct snag_wait_slot *slot_of_tid(struct snag_wait_slot *table, int32_t tid)
{
    if (tid <= 0) return NULL;
    for (unsigned index = 0, used = snag_wait_table_used(); index < used; index++)
        if (__atomic_load_n(&table[index].tid, __ATOMIC_ACQUIRE) == tid) return &table[index];
    return NULL;
}

/* The live thread whose pthread_t is `thread` (what a join names), or NULL. */
static struct snag_wait_slot *slot_of_thread(struct snag_wait_slot *table, uint64_t thread)
{
    for (unsigned index = 0, used = snag_wait_table_used(); index < used; index++)
        if (__atomic_load_n(&table[index].tid, __ATOMIC_ACQUIRE) != 0 &&
            __atomic_load_n(&table[index].pthread_self, __ATOMIC_RELAXED) == thread)
            return &table[index];
    return NULL;
}

/* Every thread listing `object` among the spinlocks and read locks it holds;
 * 0 when any list is incomplete (then the holders are not known for sure). */
static unsigned listed_holders(struct snag_wait_slot *table, uint64_t object, struct snag_wait_slot **holders)
{
    unsigned count = 0;
    for (unsigned index = 0, used = snag_wait_table_used(); index < used; index++) {
        struct snag_wait_slot *slot = &table[index];
        if (__atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE) == 0) continue;
        uint8_t held = __atomic_load_n(&slot->held_count, __ATOMIC_ACQUIRE);
        if (held == SNAG_WAIT_HELD_OVERFLOW) return 0;
        for (uint8_t entry = 0; entry < held && entry < SNAG_WAIT_HELD_MAX; entry++) {
            if (__atomic_load_n(&slot->held[entry], __ATOMIC_RELAXED) != object) continue;
            if (count == MAX_HOLDERS) return 0;
            holders[count++] = slot;
            break;
        }
    }
    return count;
}

/* Who holds what `waiter` waits on; 0 if unknown or nobody (no deadlock to
 * prove through it). */
static unsigned holders_of(struct search *search, const struct participant *waiter, struct snag_wait_slot **holders)
{
    struct snag_wait_slot *table = search->table;
    switch (waiter->object_class) {
    case SNAG_CLASS_MUTEX: {
        const volatile pthread_mutex_t *mutex = (const volatile pthread_mutex_t *)(uintptr_t)waiter->object;
        int32_t owner = mutex->__data.__owner;
        int kind = mutex->__data.__kind & 3;
        /* an errorcheck mutex locked again by its owner fails with EDEADLK instead of blocking */
        if (owner == waiter->tid && kind == PTHREAD_MUTEX_ERRORCHECK) return 0;
        holders[0] = slot_of_tid(table, owner);
        return holders[0] != NULL;
    }
    case SNAG_CLASS_RWLOCK: {
        const volatile pthread_rwlock_t *lock = (const volatile pthread_rwlock_t *)(uintptr_t)waiter->object;
        int32_t writer = (int32_t)lock->__data.__cur_writer;
        if (writer > 0) {
            holders[0] = slot_of_tid(table, writer);
            return holders[0] != NULL;
        }
        return listed_holders(table, waiter->object, holders);
    }
    case SNAG_CLASS_SPIN: return listed_holders(table, waiter->object, holders);
    case SNAG_CLASS_SEM: {
        int32_t owner = snag_sem_lock_owner((const void *)(uintptr_t)waiter->object);
        holders[0] = owner > 0 ? slot_of_tid(table, owner) : NULL;
        return holders[0] != NULL;
    }
    case SNAG_CLASS_THREAD: /* a join waits for the joined thread itself; joining oneself fails at once */
        holders[0] = slot_of_thread(table, waiter->object);
        return holders[0] != NULL && holders[0] != waiter->slot;
    default: return 0; /* condvars, barriers: anyone may wake them; hangs, not deadlocks */
    }
}

/* A consistent copy of a slot's wait, or 0 if it is not blocked, or blocked
 * in a timed wait (it ends by itself), or changing while read. */
static int read_wait(struct snag_wait_slot *slot, struct participant *out)
{
    uint32_t seq = __atomic_load_n(&slot->wait_seq, __ATOMIC_ACQUIRE);
    if (!(seq & 1)) return 0;
    out->slot = slot;
    out->seq = seq;
    out->tid = __atomic_load_n(&slot->tid, __ATOMIC_RELAXED);
    out->object = __atomic_load_n(&slot->object, __ATOMIC_RELAXED);
    out->site = __atomic_load_n(&slot->site, __ATOMIC_RELAXED);
    out->since_ticks = __atomic_load_n(&slot->since_ticks, __ATOMIC_RELAXED);
    out->object_class = __atomic_load_n(&slot->object_class, __ATOMIC_RELAXED);
    out->op = __atomic_load_n(&slot->op, __ATOMIC_RELAXED);
    out->stack = __atomic_load_n(&slot->stack, __ATOMIC_RELAXED);
    uint8_t flags = __atomic_load_n(&slot->flags, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&slot->wait_seq, __ATOMIC_RELAXED) != seq) return 0;
    return !(flags & SNAG_WAIT_TIMED) && out->tid > 0;
}

/* 1 if the thread of `slot` is stuck for good, given that the origin is;
 * *index is its participant number. */
static int stuck(struct search *search, struct snag_wait_slot *slot, unsigned *index)
{
    for (unsigned seen = 0; seen < search->count; seen++) {
        if (search->participants[seen].slot != slot) continue;
        *index = seen;
        /* back at the origin: the cycle closes. Another thread still being
         * visited is a cycle the origin only waits on: found when it formed. */
        return slot == search->origin || search->participants[seen].state == STUCK;
    }
    if (search->count == MAX_PARTICIPANTS) return 0;
    struct participant *waiter = &search->participants[search->count];
    if (!read_wait(slot, waiter)) return 0;
    unsigned me = search->count++;
    *index = me;
    waiter->state = VISITING;
    struct snag_wait_slot *holders[MAX_HOLDERS];
    unsigned holder_count = holders_of(search, waiter, holders);
    if (holder_count == 0) return 0;
    for (unsigned holder = 0; holder < holder_count; holder++) {
        unsigned holder_index;
        if (!stuck(search, holders[holder], &holder_index)) return 0;
        if (holder == 0) search->participants[me].holder = holder_index;
    }
    search->participants[me].state = STUCK;
    return 1;
}

static int find_cycle(struct search *search, struct snag_wait_slot *table, struct snag_wait_slot *origin)
{
    search->table = table;
    search->origin = origin;
    search->count = 0;
    unsigned index;
    return stuck(search, origin, &index);
}

static int same_cycle(const struct search *first, const struct search *second)
{
    if (first->count != second->count) return 0;
    for (unsigned index = 0; index < first->count; index++) {
        const struct participant *a = &first->participants[index], *b = &second->participants[index];
        if (a->slot != b->slot || a->seq != b->seq || a->object != b->object || a->holder != b->holder) return 0;
    }
    for (unsigned index = 0; index < first->count; index++) /* and still in those waits */
        if (__atomic_load_n(&first->participants[index].slot->wait_seq, __ATOMIC_ACQUIRE) !=
            first->participants[index].seq)
            return 0;
    return 1;
}

/* ---- after a deadlock: messages, the record, ending the program ---- */

static atomic_int deadlocked;      /* a deadlock was found in this process */
static struct snag_wait_slot *_Atomic pending; /* origin of a cycle through a semaphore, not yet certain */
static atomic_flag reporting = ATOMIC_FLAG_INIT;
#define REPORTED_MAX 16u
static uint64_t reported_marks[REPORTED_MAX]; /* signatures of the last cycles reported (under `reporting`) */
static unsigned reported_next;

static uint64_t signature(const struct search *search)
{
    uint64_t sum = 0; /* order-free: the same cycle found from another thread */
    for (unsigned index = 0; index < search->count; index++) {
        const struct participant *p = &search->participants[index];
        sum += ((uint64_t)(uint32_t)p->tid << 32 | p->seq) * UINT64_C(0x9E3779B97F4A7C15);
    }
    return sum | 1;
}

/* The same cycle is closed once, but two of its threads may both see it. */
static int already_reported(uint64_t mark)
{
    for (unsigned index = 0; index < REPORTED_MAX; index++)
        if (reported_marks[index] == mark) return 1;
    reported_marks[reported_next++ % REPORTED_MAX] = mark;
    return 0;
}

static void say(const char *text, size_t length)
{
    while (length > 0) {
        ssize_t wrote = write(STDERR_FILENO, text, length);
        if (wrote <= 0) return;
        text += wrote;
        length -= (size_t)wrote;
    }
}

/* The kernel's name of one of our threads (what pthread_setname_np set),
 * with anything unprintable replaced: it goes to a terminal. */
static void thread_name(int32_t tid, char *name, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    name[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t length = read(fd, name, size - 1);
    close(fd);
    if (length <= 0) length = 0;
    name[length] = '\0';
    for (ssize_t index = 0; index < length; index++) {
        unsigned char c = (unsigned char)name[index];
        if (c == '\n' && index == length - 1) name[index] = '\0';
        else if (c < 0x20 || c >= 0x7f) name[index] = '?';
    }
}

static const char *class_word(uint8_t object_class, uint8_t op)
{
    switch (object_class) {
    case SNAG_CLASS_MUTEX: return "mutex";
    case SNAG_CLASS_RWLOCK: return op == SNAG_OP_WAIT_SHARED ? "rwlock (to read)" : "rwlock (to write)";
    case SNAG_CLASS_SPIN: return "spinlock";
    case SNAG_CLASS_SEM: return "semaphore";
    case SNAG_CLASS_THREAD: return "the end of thread";
    default: return "object";
    }
}

static void print_deadlock(const struct search *search)
{
    char text[4096];
    size_t used = 0;
#define APPEND(...)                                                                                    \
    do {                                                                                               \
        int n_ = snprintf(text + used, sizeof text - used, __VA_ARGS__);                               \
        if (n_ > 0) used = used + (size_t)n_ < sizeof text ? used + (size_t)n_ : sizeof text - 1;      \
    } while (0)
    APPEND("snag: DEADLOCK in process %d: %u thread%s blocked for good, each waiting for what the next holds\n",
           (int)getpid(), search->count, search->count == 1 ? "" : "s");
    for (unsigned index = 0; index < search->count; index++) {
        const struct participant *p = &search->participants[index];
        const struct participant *holder = &search->participants[p->holder];
        char name[32];
        thread_name(p->tid, name, sizeof name);
        if (p->object_class == SNAG_CLASS_THREAD)
            APPEND("snag:   thread %d (%s) joins thread %d, called from %#llx\n", (int)p->tid, name, (int)holder->tid,
                   (unsigned long long)p->site);
        else
            APPEND("snag:   thread %d (%s) waits for %s %#llx held by thread %d%s, called from %#llx\n", (int)p->tid,
                   name, class_word(p->object_class, p->op), (unsigned long long)p->object, (int)holder->tid,
                   holder == p ? " (itself)" : "", (unsigned long long)p->site);
    }
    const char *directory = snag_writer_directory();
    APPEND("snag: stacks and names: snag report %s\n", directory && *directory ? directory : "TRACE");
#undef APPEND
    say(text, used);
}

static void record_deadlock(const struct search *search)
{
    struct snag_finding_record head = {.participant_count = search->count};
    struct snag_finding_participant parts[MAX_PARTICIPANTS];
    memset(parts, 0, sizeof parts);
    for (unsigned index = 0; index < search->count; index++) {
        const struct participant *p = &search->participants[index];
        parts[index] = (struct snag_finding_participant){
            .tid = p->tid,
            .holder_index = p->holder,
            .object = p->object,
            .site = p->site,
            .since_ticks = p->since_ticks,
            .object_class = p->object_class,
            .op = p->op,
            .stack = p->stack,
        };
    }
    snag_emit_variable2(SNAG_REC_FINDING, SNAG_FINDING_DEADLOCK, &head, sizeof head, parts,
                        search->count * sizeof parts[0]);
}

/* Would the wait published in `slot` still block if it began now? A thread
 * publishes its wait before it enters the real call, and the caller of
 * all_threads_blocked is itself such a thread: what it waits for may have
 * been released in between. Where the object says so (a semaphore's count,
 * a mutex's lock word, a joined thread still alive), ask it. */
static int wait_still_blocks(struct snag_wait_slot *table, const struct snag_wait_slot *slot)
{
    uint64_t object = __atomic_load_n(&slot->object, __ATOMIC_RELAXED);
    switch (__atomic_load_n(&slot->object_class, __ATOMIC_RELAXED)) {
    case SNAG_CLASS_SEM: {
        int value = 0;
        return sem_getvalue((sem_t *)(uintptr_t)object, &value) != 0 || value <= 0;
    }
    case SNAG_CLASS_MUTEX: {
        const volatile pthread_mutex_t *mutex = (const volatile pthread_mutex_t *)(uintptr_t)object;
        if (mutex->__data.__lock == 0) return 0;
        /* an owner inside a condition wait on it gives it up (or just did) */
        struct snag_wait_slot *owner = slot_of_tid(table, mutex->__data.__owner);
        return !owner || !(__atomic_load_n(&owner->wait_seq, __ATOMIC_ACQUIRE) & 1) ||
               __atomic_load_n(&owner->releases, __ATOMIC_RELAXED) != object;
    }
    case SNAG_CLASS_THREAD: return slot_of_thread(table, object) != NULL; /* the joined thread still lives */
    default: return 1;
    }
}

/* Threads waiting for `reporting`: published as blocked, but running. */
static atomic_int queued_to_report;

enum round { ROUND_MOVED, ROUND_AWAKE, ROUND_BLOCKED };

/* One look at every slot: ROUND_MOVED if a thread is not in an untimed
 * wait, left the one it was in at the first look (`seqs`, filled when
 * `first`; that look stops there), waits on something available now, or
 * queues to look after this one; ROUND_AWAKE if all stayed but some thread
 * other than the caller is not asleep in the kernel; else ROUND_BLOCKED. */
static enum round look_at_threads(struct snag_wait_slot *table, uint32_t *seqs, int first)
{
    int32_t self = snag_thread.tid;
    int live = 0;
    unsigned used = snag_wait_table_used();
    for (unsigned index = 0; index < used; index++) {
        struct snag_wait_slot *slot = &table[index];
        if (__atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE) == 0) continue;
        live++;
        uint32_t seq = __atomic_load_n(&slot->wait_seq, __ATOMIC_ACQUIRE);
        /* a timed wait ends by itself; another process may end one on a shared object */
        if (!(seq & 1) || (__atomic_load_n(&slot->flags, __ATOMIC_RELAXED) & (SNAG_WAIT_TIMED | SNAG_WAIT_PROCESS_SHARED)))
            return ROUND_MOVED;
        if (first) seqs[index] = seq;
        else if (seqs[index] != seq) return ROUND_MOVED;
        if (!wait_still_blocks(table, slot)) return ROUND_MOVED; /* it goes on, or is about to */
    }
    /* one of them will look again once this look is over, and later */
    if (atomic_load(&queued_to_report) > 0) return ROUND_MOVED;
    if (first) return ROUND_AWAKE; /* memory reads only: the system calls come at later looks */
    /* threads that never recorded (no slot) could still run */
    if (snag_task_count(0) != live) return ROUND_MOVED;
    for (unsigned index = 0; index < used; index++) {
        struct snag_wait_slot *slot = &table[index];
        int32_t tid = __atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE);
        if (tid == 0) continue;
        if (tid != self && !snag_task_asleep(0, tid)) return ROUND_AWAKE;
    }
    return ROUND_BLOCKED;
}

/* Has any thread left the wait it was in at the first look, or can its
 * wait go on now (or a new thread claimed a slot, or queued to look after
 * this one)? Memory reads only. */
static int any_wait_moved(struct snag_wait_slot *table, const uint32_t *seqs)
{
    for (unsigned index = 0, used = snag_wait_table_used(); index < used; index++) {
        struct snag_wait_slot *slot = &table[index];
        uint32_t seq = __atomic_load_n(&slot->wait_seq, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&slot->tid, __ATOMIC_ACQUIRE) != 0 && (seq != seqs[index] || !wait_still_blocks(table, slot)))
            return 1;
    }
    return atomic_load(&queued_to_report) > 0;
}

/* Every live thread blocked in an untimed wait, on something still
 * unavailable, asleep in the kernel, and still in that same wait at two
 * looks in a row, a little apart. The caller (about to block, not asleep
 * yet) is exempt from the sleep test: wait_still_blocks speaks for it.
 * Why asleep: a thread just woken is runnable until it reaches its slot's
 * wait end, with the token or lock it was given already taken, so its
 * object looks unavailable; on a busy machine it can sit there for long.
 * Why twice: a thread seen asleep may be woken by one seen later that was
 * still inside its wait but running (a condition wait unlocks its mutex
 * inside the real call); the second look finds the first awake.
 * The looks come ever further apart, up to ~50 ms in all for threads to
 * fall asleep; any thread that leaves its wait ends it at once, so a
 * Python Condition handed back and forth (each wait a cycle through a
 * semaphore its waiter took) costs about 0.1 ms, not a 50 ms pause. */
static int all_threads_blocked(struct snag_wait_slot *table)
{
    static uint32_t seqs[SNAG_WAIT_TABLE_ENTRIES]; /* under `reporting` */
    if (look_at_threads(table, seqs, 1) == ROUND_MOVED) return 0;
    /* A thread just woken leaves its wait within microseconds once it gets
     * a CPU (tens of them if its core was idle): watch for that, yielding,
     * for up to 200 us before any look that takes system calls or sleeps. */
    struct timespec began, now;
    clock_gettime(CLOCK_MONOTONIC, &began);
    do {
        sched_yield();
        if (any_wait_moved(table, seqs)) return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((now.tv_sec - began.tv_sec) * 1000000000L + (now.tv_nsec - began.tv_nsec) < 200 * 1000);
    int blocked_in_a_row = 0;
    long pause_ns = 100 * 1000;
    for (long slept_ns = 0; slept_ns < 50 * 1000 * 1000; slept_ns += pause_ns) {
        struct timespec pause = {0, pause_ns};
        nanosleep(&pause, NULL);
        switch (look_at_threads(table, seqs, 0)) {
        case ROUND_MOVED: return 0;
        case ROUND_AWAKE: blocked_in_a_row = 0; break;
        case ROUND_BLOCKED:
            if (++blocked_in_a_row == 2) return 1;
            break;
        }
        if (pause_ns < 16 * 1000 * 1000) pause_ns *= 2;
    }
    return 0;
}

static int policy_exit(void)
{
    const char *policy = getenv("SNAG_ON_DEADLOCK");
    return !policy || strcmp(policy, "report") != 0;
}

static void end_program(void)
{
    char text[256];
    int length = snprintf(text, sizeof text,
                          "snag: every thread of process %d is blocked and none can wake another: ending it with "
                          "status %d (snag run --on-deadlock=report leaves it hanging)\n",
                          (int)getpid(), SNAG_EXIT_DEADLOCK);
    if (length > 0) say(text, (size_t)length < sizeof text ? (size_t)length : sizeof text - 1);
    snag_writer_set_exit(SNAG_EXIT_STATUS, SNAG_EXIT_DEADLOCK);
    snag_writer_sync();
    if (snag_real._exit) snag_real._exit(SNAG_EXIT_DEADLOCK);
    syscall(SYS_exit_group, SNAG_EXIT_DEADLOCK);
}

static int lock_like(uint8_t object_class)
{
    return object_class == SNAG_CLASS_MUTEX || object_class == SNAG_CLASS_RWLOCK || object_class == SNAG_CLASS_SPIN ||
           object_class == SNAG_CLASS_SEM || object_class == SNAG_CLASS_THREAD;
}

/* Records, flushes and prints a deadlock once (under `reporting`); 1 if it did. */
static int report_deadlock(const struct search *search)
{
    if (already_reported(signature(search))) return 0;
    record_deadlock(search);
    snag_writer_sync();
    print_deadlock(search);
    return 1;
}

void snag_deadlock_after_fork_child(void)
{
    /* Another thread of the parent may have been reporting: it is not here. */
    atomic_flag_clear(&reporting);
    atomic_store(&queued_to_report, 0);
    atomic_store(&deadlocked, 0);
    atomic_store(&pending, NULL);
}

static int confirmed_cycle(struct snag_wait_slot *table, struct snag_wait_slot *origin, struct search *first)
{
    struct search second;
    return find_cycle(first, table, origin) && find_cycle(&second, table, origin) && same_cycle(first, &second);
}

/* A semaphore's "owner" is only who took its token last: any thread may
 * post it (Python's Condition waits on a lock it took itself, for another
 * thread to release). A cycle through one is certain only once no thread is
 * left to post, so it waits here until every thread is blocked. */
static int through_semaphore(const struct search *search)
{
    for (unsigned index = 0; index < search->count; index++)
        if (search->participants[index].object_class == SNAG_CLASS_SEM) return 1;
    return 0;
}

void snag_deadlock_on_wait(struct snag_wait_slot *slot)
{
    struct snag_wait_slot *table = snag_writer_wait_table();
    if (!table || slot < table || slot >= table + SNAG_WAIT_TABLE_ENTRIES) return;
    int saved_errno = errno;
    struct search first;
    int found = lock_like(slot->object_class) && !(slot->flags & SNAG_WAIT_TIMED) &&
                confirmed_cycle(table, slot, &first);
    int needs_everyone_blocked = found && through_semaphore(&first);
    if (needs_everyone_blocked) atomic_store(&pending, slot);
    struct snag_wait_slot *waiting = atomic_load(&pending);
    if (!found && waiting && waiting != slot) {
        found = confirmed_cycle(table, waiting, &first);
        needs_everyone_blocked = found;
        if (!found) atomic_compare_exchange_strong(&pending, &waiting, NULL); /* it went on */
    }
    /* Dekker-style: a waiter publishes its wait, then reads `deadlocked` (or
     * `pending`); the finder sets them, then reads every wait. Whichever
     * comes second sees the other, so the last thread to block is never missed. */
    if (found && !needs_everyone_blocked) atomic_store(&deadlocked, 1);
    else if (!found && !atomic_load(&deadlocked)) {
        errno = saved_errno;
        return;
    }
    atomic_fetch_add(&queued_to_report, 1);
    while (atomic_flag_test_and_set_explicit(&reporting, memory_order_acquire)) sched_yield();
    atomic_fetch_sub(&queued_to_report, 1);
    /* A lock cycle is certain now: on record at once, before the pause that
     * telling whether everyone is blocked takes. */
    int reported = found && !needs_everyone_blocked && report_deadlock(&first);
    int everyone_blocked = (needs_everyone_blocked || policy_exit()) && all_threads_blocked(table);
    if (found && needs_everyone_blocked && everyone_blocked) reported = report_deadlock(&first);
    if (reported) atomic_store(&deadlocked, 1);
    int end = policy_exit() && atomic_load(&deadlocked) && everyone_blocked;
    atomic_flag_clear_explicit(&reporting, memory_order_release);
    if (end) end_program();
    errno = saved_errno;
}
