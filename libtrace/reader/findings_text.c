/* Findings in words (see snag/findings_text.h). */
#include "snag/findings_text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "snag/text.h"

#define LABEL_SIZE 512
#define SITE_SIZE 768

const char *snag_finding_lock_label(struct snag_names *names, const struct snag_lockstats *stats,
                                    const struct snag_finding_lock *lock, char *out, size_t size)
{
    for (size_t index = 0; stats && index < snag_lockstats_lock_count(stats); index++) {
        const struct snag_lock_stats *known = snag_lockstats_lock(stats, index);
        if (known->process == lock->process && known->address == lock->address &&
            known->object_class == lock->object_class && known->instance == lock->instance)
            return snag_names_lock_label(names, known, out, size);
    }
    snprintf(out, size, "%s at 0x%" PRIx64, snag_class_name(lock->object_class), lock->address);
    return out;
}

/* A sentence grown piece by piece; a piece that does not fit is cut. */
struct sentence {
    char *text;
    size_t size, length;
};

static void say(struct sentence *sentence, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void say(struct sentence *sentence, const char *format, ...)
{
    if (sentence->length + 1 >= sentence->size) return;
    va_list args;
    va_start(args, format);
    int written = vsnprintf(sentence->text + sentence->length, sentence->size - sentence->length, format, args);
    va_end(args);
    if (written < 0) return;
    sentence->length += (size_t)written;
    if (sentence->length >= sentence->size) sentence->length = sentence->size - 1;
}

struct wording {
    const struct snag_trace *trace;
    const struct snag_lockstats *stats;
    struct snag_names *names;
    const struct snag_finding *finding;
};

static int tid_of(const struct wording *words, const struct snag_finding_thread *thread)
{
    const struct snag_thread_info *info = snag_trace_thread(words->trace, thread->thread);
    return info ? info->tid : 0;
}

/* A lock's label; with its address too when another lock of the finding
 * has the same label (CPython's locks are all "initialised at" one place). */
static const char *label_of(const struct wording *words, uint32_t lock, char *out, size_t size)
{
    const struct snag_finding *finding = words->finding;
    if (lock >= finding->lock_count) {
        snprintf(out, size, "(no lock)");
        return out;
    }
    snag_finding_lock_label(words->names, words->stats, &finding->locks[lock], out, size);
    char other[LABEL_SIZE];
    for (size_t index = 0; index < finding->lock_count; index++) {
        if (index == lock) continue;
        snag_finding_lock_label(words->names, words->stats, &finding->locks[index], other, sizeof other);
        if (strcmp(out, other) != 0) continue;
        size_t length = strlen(out);
        snprintf(out + length, size - length, " (0x%" PRIx64 ")", finding->locks[lock].address);
        break;
    }
    return out;
}

/* A site of a thread, in its own process's code. */
static const char *site_of(const struct wording *words, const struct snag_finding_thread *thread, uint64_t site,
                           char *out, size_t size)
{
    const struct snag_thread_info *info = snag_trace_thread(words->trace, thread->thread);
    return snag_names_site_text(words->names, info ? info->process : words->finding->process, site, out, size);
}

static const struct snag_finding_thread *thread_in_role(const struct snag_finding *finding, const char *role)
{
    for (size_t index = 0; index < finding->thread_count; index++)
        if (strcmp(finding->threads[index].role, role) == 0) return &finding->threads[index];
    return NULL;
}

static void say_fork_hazard(struct sentence *sentence, const struct wording *words)
{
    const struct snag_finding *finding = words->finding;
    const struct snag_finding_thread *forker = thread_in_role(finding, "forker");
    const struct snag_finding_thread *holder = thread_in_role(finding, "holder");
    const struct snag_finding_thread *waiter = thread_in_role(finding, "waiter");
    if (!forker || !holder) return;
    char label[LABEL_SIZE], taken[SITE_SIZE], waits[SITE_SIZE];
    say(sentence,
        "process %d forked (thread %d) while its thread %d held %s (taken at %s); the child inherits it locked, "
        "with no thread to unlock it",
        snag_trace_process(words->trace, finding->process)->pid, tid_of(words, forker), tid_of(words, holder),
        label_of(words, holder->holds, label, sizeof label),
        site_of(words, holder, holder->held_at, taken, sizeof taken));
    if (waiter && finding->child_process != SNAG_NO_INDEX)
        say(sentence, ": child %d then blocked on it for good at %s",
            snag_trace_process(words->trace, finding->child_process)->pid,
            site_of(words, waiter, waiter->waits_at, waits, sizeof waits));
    else
        say(sentence, " (the child did not need it this time: %u fork%s)", finding->occurrences,
            finding->occurrences == 1 ? "" : "s");
}

static const char *wait_verb(uint8_t object_class)
{
    switch (object_class) {
    case SNAG_CLASS_COND: return "waits on";
    case SNAG_CLASS_SEM: return "waits on";
    case SNAG_CLASS_BARRIER: return "waits at";
    default: return "waits for";
    }
}

/* The thread of the finding that runs `thread_index`, for "joins thread N". */
static int joined_tid(const struct wording *words, const struct snag_finding_lock *lock)
{
    for (size_t index = 0; index < snag_trace_thread_count(words->trace); index++) {
        const struct snag_thread_info *info = snag_trace_thread(words->trace, index);
        if (info->process == lock->process && info->pthread_self == lock->address) return info->tid;
    }
    return 0;
}

/* What one waiting thread of a deadlock or hang waits for, and since when. */
static void say_waiter(struct sentence *sentence, const struct wording *words, const struct snag_finding_thread *thread)
{
    char label[LABEL_SIZE], site[SITE_SIZE];
    const struct snag_finding_lock *lock =
        thread->wants < words->finding->lock_count ? &words->finding->locks[thread->wants] : NULL;
    say(sentence, "thread %d", tid_of(words, thread));
    if (lock && lock->object_class == SNAG_CLASS_THREAD)
        say(sentence, " joins thread %d", joined_tid(words, lock));
    else if (lock)
        say(sentence, " %s %s", wait_verb(lock->object_class), label_of(words, thread->wants, label, sizeof label));
    say(sentence, " at %s", site_of(words, thread, thread->waits_at, site, sizeof site));
    if (thread->holds != SNAG_NO_INDEX)
        say(sentence, " while holding %s (taken at %s)", label_of(words, thread->holds, label, sizeof label),
            site_of(words, thread, thread->held_at, site, sizeof site));
    if (lock && (lock->object_class == SNAG_CLASS_COND || lock->object_class == SNAG_CLASS_SEM)) {
        if (thread->signalled_by == SNAG_NO_INDEX)
            say(sentence, ", never %s by anyone", lock->object_class == SNAG_CLASS_COND ? "signalled" : "posted");
        else {
            const struct snag_thread_info *by = snag_trace_thread(words->trace, thread->signalled_by);
            double gap_ms = ((double)thread->since_ns - (double)thread->signalled_ns) / 1e6;
            say(sentence, ", last %s by thread %d at %s %.3f ms %s it began to wait",
                lock->object_class == SNAG_CLASS_COND ? "signalled" : "posted", by ? by->tid : 0,
                snag_names_site_text(words->names, by ? by->process : lock->process, thread->signalled_at, site,
                                     sizeof site),
                gap_ms < 0 ? -gap_ms : gap_ms, gap_ms >= 0 ? "before" : "after");
        }
    }
}

static void say_deadlock(struct sentence *sentence, const struct wording *words)
{
    const struct snag_finding *finding = words->finding;
    say(sentence, "%s in process %d: ",
        finding->thread_count == 1 ? "a thread waits for a lock it holds itself" : "threads wait for each other",
        snag_trace_process(words->trace, finding->process)->pid);
    for (size_t index = 0; index < finding->thread_count; index++) {
        if (index) say(sentence, "; ");
        say_waiter(sentence, words, &finding->threads[index]);
    }
}

static void say_hang(struct sentence *sentence, const struct wording *words)
{
    const struct snag_finding *finding = words->finding;
    const struct snag_process_info *process = snag_trace_process(words->trace, finding->process);
    say(sentence, "every thread of process %d was blocked, and none could wake another, for %.1f s until it ended",
        process->pid, (double)(process->end_ns - finding->time_ns) / 1e9);
    if (strcmp(finding->subkind, "lost_wakeup") == 0) say(sentence, " (a wake-up was lost: signalled before the wait)");
    for (size_t index = 0; index < finding->thread_count; index++) {
        say(sentence, "; ");
        say_waiter(sentence, words, &finding->threads[index]);
    }
}

/* "threads 11 and 12 take a and b in opposite orders: thread 11 took b at
 * f (x.c:9) while holding a (taken at f (x.c:8)); thread 12 took a at ...
 * while holding b (taken at ...); if they meet there, each waits for the
 * other for good". */
static void say_lock_order_inversion(struct sentence *sentence, const struct wording *words)
{
    const struct snag_finding *finding = words->finding;
    char label[LABEL_SIZE], other[LABEL_SIZE], held_at[SITE_SIZE], taken_at[SITE_SIZE];
    if (finding->thread_count == 2) {
        say(sentence, "threads %d and %d take %s and %s in opposite orders", tid_of(words, &finding->threads[0]),
            tid_of(words, &finding->threads[1]), label_of(words, finding->threads[0].holds, label, sizeof label),
            label_of(words, finding->threads[0].wants, other, sizeof other));
    } else {
        say(sentence, "%zu threads take %zu locks in a cycle", finding->thread_count, finding->lock_count);
    }
    for (size_t index = 0; index < finding->thread_count; index++) {
        const struct snag_finding_thread *thread = &finding->threads[index];
        say(sentence, "%sthread %d took %s at %s while holding %s (taken at %s)", index ? "; " : ": ",
            tid_of(words, thread), label_of(words, thread->wants, label, sizeof label),
            site_of(words, thread, thread->waits_at, taken_at, sizeof taken_at),
            label_of(words, thread->holds, other, sizeof other),
            site_of(words, thread, thread->held_at, held_at, sizeof held_at));
    }
    say(sentence, "; if they meet there, each waits for the %s for good",
        finding->thread_count == 2 ? "other" : "next");
}

static void say_times(struct sentence *sentence, const struct snag_finding *finding)
{
    if (finding->occurrences > 1) say(sentence, " (%u times)", finding->occurrences);
}

/* One sentence per misuse subkind: who did what to which lock, where, and
 * who else was involved. */
static void say_misuse(struct sentence *sentence, const struct wording *words)
{
    const struct snag_finding *finding = words->finding;
    const char *subkind = finding->subkind;
    char label[LABEL_SIZE], other[LABEL_SIZE], site[SITE_SIZE], other_site[SITE_SIZE];
    const struct snag_finding_thread *actor = finding->thread_count ? &finding->threads[0] : NULL;
    if (!actor) return;
    label_of(words, 0, label, sizeof label);
    site_of(words, actor, actor->acted_at, site, sizeof site);
    if (strcmp(subkind, "unlock_not_held") == 0 || strcmp(subkind, "rwlock_unlock_not_held") == 0) {
        const struct snag_finding_thread *holder = thread_in_role(finding, "holder");
        say(sentence, "thread %d unlocked %s at %s without holding it", tid_of(words, actor), label, site);
        say_times(sentence, finding);
        if (holder)
            say(sentence, "; thread %d held it (taken at %s)", tid_of(words, holder),
                site_of(words, holder, holder->held_at, other_site, sizeof other_site));
        else
            say(sentence, "; nobody held it");
    } else if (strcmp(subkind, "destroy_locked") == 0) {
        const struct snag_finding_thread *holder = thread_in_role(finding, "holder");
        say(sentence, "thread %d destroyed %s at %s while it was locked", tid_of(words, actor), label, site);
        if (holder)
            say(sentence, " by thread %d (taken at %s)", tid_of(words, holder),
                site_of(words, holder, holder->held_at, other_site, sizeof other_site));
        say_times(sentence, finding);
    } else if (strcmp(subkind, "destroy_cond_with_waiters") == 0 || strcmp(subkind, "destroy_sem_with_waiters") == 0) {
        bool cond = strcmp(subkind, "destroy_cond_with_waiters") == 0;
        say(sentence, "thread %d destroyed %s at %s while", tid_of(words, actor), label, site);
        size_t waiters = 0;
        for (size_t index = 1; index < finding->thread_count; index++) {
            const struct snag_finding_thread *waiter = &finding->threads[index];
            say(sentence, "%s thread %d waited on it (at %s)", waiters++ ? " and" : "", tid_of(words, waiter),
                site_of(words, waiter, waiter->waits_at, other_site, sizeof other_site));
        }
        say(sentence, " with no %s on its way", cond ? "signal" : "post");
        say_times(sentence, finding);
    } else if (strcmp(subkind, "cond_two_mutexes") == 0) {
        const struct snag_finding_thread *first = thread_in_role(finding, "first");
        if (!first) return;
        say(sentence, "thread %d waits on %s with %s at %s", tid_of(words, actor), label,
            label_of(words, actor->holds, other, sizeof other), site);
        say(sentence, " while thread %d waits on it with %s (at %s): a condvar works with one mutex at a time",
            tid_of(words, first), label_of(words, first->holds, other, sizeof other),
            site_of(words, first, first->waits_at, other_site, sizeof other_site));
    } else if (strcmp(subkind, "exit_holding_lock") == 0 || strcmp(subkind, "cancelled_holding_lock") == 0) {
        say(sentence, "thread %d %s holding %s (taken at %s): no thread can unlock it any more",
            tid_of(words, actor), strcmp(subkind, "exit_holding_lock") == 0 ? "ended" : "was cancelled", label,
            site_of(words, actor, actor->held_at, site, sizeof site));
        for (size_t index = 1; index < finding->thread_count; index++)
            say(sentence, "; thread %d then waited for it until the end", tid_of(words, &finding->threads[index]));
    }
}

/* Kinds without their own words yet: what is known, listed. */
static void say_in_general(struct sentence *sentence, const struct wording *words)
{
    const struct snag_finding *finding = words->finding;
    char label[LABEL_SIZE], site[SITE_SIZE];
    say(sentence, "%s (%s) in process %d", finding->kind, finding->subkind,
        snag_trace_process(words->trace, finding->process)->pid);
    for (size_t index = 0; index < finding->thread_count; index++) {
        const struct snag_finding_thread *thread = &finding->threads[index];
        say(sentence, "; thread %d (%s)", tid_of(words, thread), thread->role);
        if (thread->holds != SNAG_NO_INDEX)
            say(sentence, " holds %s (taken at %s)", label_of(words, thread->holds, label, sizeof label),
                site_of(words, thread, thread->held_at, site, sizeof site));
        if (thread->wants != SNAG_NO_INDEX)
            say(sentence, " wants %s (at %s)", label_of(words, thread->wants, label, sizeof label),
                site_of(words, thread, thread->waits_at, site, sizeof site));
    }
}

const char *snag_finding_message(const struct snag_trace *trace, const struct snag_lockstats *stats,
                                 struct snag_names *names, const struct snag_finding *finding, char *out,
                                 size_t size)
{
    char raw[4096];
    struct sentence sentence = {raw, sizeof raw, 0};
    raw[0] = '\0';
    const struct wording words = {trace, stats, names, finding};
    if (strcmp(finding->kind, "fork_hazard") == 0) say_fork_hazard(&sentence, &words);
    else if (strcmp(finding->kind, "deadlock") == 0) say_deadlock(&sentence, &words);
    else if (strcmp(finding->kind, "hang") == 0) say_hang(&sentence, &words);
    else if (strcmp(finding->kind, "lock_order_inversion") == 0) say_lock_order_inversion(&sentence, &words);
    else if (strcmp(finding->kind, "misuse") == 0) say_misuse(&sentence, &words);
    if (sentence.length == 0) say_in_general(&sentence, &words);
    return snag_text_sanitize(raw, out, size);
}
