/* The findings list (see snag/findings.h): the analyses add to it through
 * findings_build.h; this file owns the list, runs them and orders the result. */
#include "findings_build.h"

#include <stdlib.h>
#include <string.h>

struct snag_findings {
    struct snag_finding *items;
    size_t count, capacity;
};

struct snag_finding *findings_add(struct snag_findings *findings, const char *kind, const char *subkind,
                                  int severity, uint32_t process, uint64_t time_ns)
{
    if (findings->count == findings->capacity) {
        size_t capacity = findings->capacity ? findings->capacity * 2 : 16;
        struct snag_finding *bigger = realloc(findings->items, capacity * sizeof *bigger);
        if (!bigger) return NULL;
        findings->items = bigger;
        findings->capacity = capacity;
    }
    struct snag_finding *finding = &findings->items[findings->count++];
    *finding = (struct snag_finding){
        .kind = kind,
        .subkind = subkind,
        .severity = severity,
        .process = process,
        .time_ns = time_ns,
        .occurrences = 1,
        .child_process = SNAG_NO_INDEX,
    };
    return finding;
}

struct snag_finding *findings_at(struct snag_findings *findings, size_t index)
{
    return index < findings->count ? &findings->items[index] : NULL;
}

bool finding_lock_same(const struct snag_finding_lock *left, const struct snag_finding_lock *right)
{
    return left->process == right->process && left->object_class == right->object_class &&
           left->address == right->address && left->instance == right->instance;
}

uint32_t finding_add_lock(struct snag_finding *finding, const struct snag_finding_lock *lock)
{
    for (size_t index = 0; index < finding->lock_count; index++)
        if (finding_lock_same(&finding->locks[index], lock)) return (uint32_t)index;
    /* Findings name a handful of locks: growing one at a time is enough. */
    struct snag_finding_lock *bigger = realloc(finding->locks, (finding->lock_count + 1) * sizeof *bigger);
    if (!bigger) return SNAG_NO_INDEX;
    finding->locks = bigger;
    finding->locks[finding->lock_count] = *lock;
    return (uint32_t)finding->lock_count++;
}

struct snag_finding_thread *finding_add_thread(struct snag_finding *finding, uint32_t thread, const char *role)
{
    struct snag_finding_thread *bigger = realloc(finding->threads, (finding->thread_count + 1) * sizeof *bigger);
    if (!bigger) return NULL;
    finding->threads = bigger;
    struct snag_finding_thread *entry = &finding->threads[finding->thread_count++];
    *entry = (struct snag_finding_thread){
        .thread = thread,
        .role = role,
        .holds = SNAG_NO_INDEX,
        .wants = SNAG_NO_INDEX,
        .signalled_by = SNAG_NO_INDEX,
    };
    return entry;
}

static int compare_findings(const void *left, const void *right)
{
    const struct snag_finding *a = left, *b = right;
    if (a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
    if (a->time_ns != b->time_ns) return a->time_ns < b->time_ns ? -1 : 1;
    int kinds = strcmp(a->kind, b->kind);
    if (kinds) return kinds;
    int subkinds = strcmp(a->subkind, b->subkind);
    if (subkinds) return subkinds;
    return a->process < b->process ? -1 : a->process > b->process;
}

/* Every analysis, each adding its findings to the one list. */
static int (*const analyses[])(struct snag_findings *findings, const struct snag_trace *trace) = {
    findings_fork_hazards,
    findings_lock_order,
    findings_deadlocks,
    findings_hangs,
    findings_misuse,
};

struct snag_findings *snag_findings_compute(const struct snag_trace *trace)
{
    struct snag_findings *findings = calloc(1, sizeof *findings);
    if (!findings) return NULL;
    for (size_t analysis = 0; analysis < sizeof analyses / sizeof analyses[0]; analysis++) {
        if (analyses[analysis](findings, trace)) {
            snag_findings_free(findings);
            return NULL;
        }
    }
    if (findings->count > 1) qsort(findings->items, findings->count, sizeof *findings->items, compare_findings);
    return findings;
}

void snag_findings_free(struct snag_findings *findings)
{
    if (!findings) return;
    for (size_t index = 0; index < findings->count; index++) {
        free(findings->items[index].threads);
        free(findings->items[index].locks);
    }
    free(findings->items);
    free(findings);
}

size_t snag_findings_count(const struct snag_findings *findings) { return findings->count; }

const struct snag_finding *snag_finding(const struct snag_findings *findings, size_t index)
{
    return index < findings->count ? &findings->items[index] : NULL;
}

const char *snag_severity_name(int severity)
{
    return severity == SNAG_SEVERITY_HIGH ? "high" : "low";
}

size_t snag_finding_stacks(const struct snag_trace *trace, const struct snag_finding *finding,
                           struct snag_finding_stack *out, size_t room)
{
    size_t count = 0;
    for (size_t index = 0; index < finding->thread_count; index++) {
        const struct snag_finding_thread *thread = &finding->threads[index];
        const struct snag_thread_info *info = snag_trace_thread(trace, thread->thread);
        if (!info) continue;
        if (thread->held_stack && count < room)
            out[count++] = (struct snag_finding_stack){thread, info->process, thread->held_stack, thread->holds, "holds"};
        if (thread->waits_stack && count < room)
            out[count++] = (struct snag_finding_stack){thread, info->process, thread->waits_stack, thread->wants, "wants"};
    }
    return count;
}
