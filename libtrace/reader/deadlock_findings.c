/* deadlock findings (see snag/findings.h): the cycles the shim proved
 * online (FINDING records, snag_trace_deadlock), completed from the events:
 * which lock each thread of the cycle holds, where and with what stack it
 * took it, and which instance of the lock at that address it was. */
#include <stdlib.h>

#include "findings_build.h"
#include "lock_identity.h"

/* Where a member took the lock it holds: its last acquisition of the
 * object before the deadlock was found. */
struct taken {
    uint64_t site;
    uint32_t stack;
    uint32_t instance;
    uint64_t time_ns;
};

/* One pass over the events up to the deadlock: lock instances (an INIT at
 * a reused address starts a new one) and each member's last acquisition of
 * the object it holds. -1 when out of memory. */
static int replay(const struct snag_trace *trace, const struct snag_recorded_deadlock *deadlock,
                  const uint64_t *held_objects, struct taken *taken, uint32_t *wanted_instances)
{
    struct lock_identities identities = {0};
    struct snag_event_cursor *cursor = snag_events_all(trace);
    if (!cursor) return -1;
    struct snag_event event;
    int result = 0;
    while (snag_event_next(cursor, &event) && event.time_ns <= deadlock->time_ns) {
        if (event.process != deadlock->process || event.object_class == SNAG_CLASS_THREAD) continue;
        size_t id = lock_identity_of(&identities, &event);
        if (id == LOCK_IDENTITY_NONE) {
            result = -1;
            break;
        }
        uint32_t instance = identities.locks[id].instance;
        for (size_t member = 0; member < deadlock->member_count; member++) {
            const struct snag_deadlock_member *m = &deadlock->members[member];
            if (event.object == m->object && event.object_class == m->object_class) wanted_instances[member] = instance;
            if (event.thread != m->thread || event.object != held_objects[member]) continue;
            if (event.op != SNAG_OP_ACQUIRE && event.op != SNAG_OP_ACQUIRE_SHARED) continue;
            /* the stack was captured on the first acquisition from that site only */
            uint32_t stack = event.stack;
            if (!stack && taken[member].site == event.site && taken[member].instance == instance)
                stack = taken[member].stack;
            taken[member] = (struct taken){event.site, stack, instance, event.time_ns};
        }
    }
    snag_event_cursor_free(cursor);
    lock_identities_free(&identities);
    return result;
}

static int add_deadlock(struct snag_findings *findings, const struct snag_trace *trace,
                        const struct snag_recorded_deadlock *deadlock)
{
    size_t count = deadlock->member_count;
    uint64_t *held_objects = calloc(count, sizeof *held_objects);
    uint8_t *held_classes = calloc(count, sizeof *held_classes);
    struct taken *taken = calloc(count, sizeof *taken);
    uint32_t *wanted_instances = calloc(count, sizeof *wanted_instances);
    int result = -1;
    if (!held_objects || !held_classes || !taken || !wanted_instances) goto out;
    /* member i waits on an object that member holder(i) holds */
    for (size_t member = 0; member < count; member++) {
        const struct snag_deadlock_member *m = &deadlock->members[member];
        held_objects[m->holder] = m->object;
        held_classes[m->holder] = m->object_class;
    }
    if (replay(trace, deadlock, held_objects, taken, wanted_instances)) goto out;
    int relock = count == 1;
    struct snag_finding *finding = findings_add(findings, "deadlock", relock ? "relock" : "lock_cycle",
                                                SNAG_SEVERITY_HIGH, deadlock->process, deadlock->time_ns);
    if (!finding) goto out;
    for (size_t member = 0; member < count; member++) {
        const struct snag_deadlock_member *m = &deadlock->members[member];
        if (m->thread == SNAG_NO_INDEX) continue; /* its tid is in no chunk: nothing to name */
        struct snag_finding_lock wanted = {deadlock->process, m->object_class, m->object, wanted_instances[member]};
        uint32_t wants = finding_add_lock(finding, &wanted);
        struct snag_finding_thread *thread = finding_add_thread(finding, m->thread, "waiter");
        if (wants == SNAG_NO_INDEX || !thread) goto out;
        thread->wants = wants;
        thread->waits_at = m->site;
        thread->waits_stack = m->stack;
        thread->since_ns = m->since_ns;
        if (held_objects[member] && held_classes[member] != SNAG_CLASS_THREAD) {
            struct snag_finding_lock held = {deadlock->process, held_classes[member], held_objects[member],
                                             taken[member].instance};
            uint32_t holds = finding_add_lock(finding, &held); /* moves locks, never threads */
            if (holds == SNAG_NO_INDEX) goto out;
            thread->holds = holds;
            thread->held_at = taken[member].site;
            thread->held_stack = taken[member].stack;
        }
    }
    result = 0;
out:
    free(held_objects);
    free(held_classes);
    free(taken);
    free(wanted_instances);
    return result;
}

int findings_deadlocks(struct snag_findings *findings, const struct snag_trace *trace)
{
    for (size_t index = 0; index < snag_trace_deadlock_count(trace); index++)
        if (add_deadlock(findings, trace, snag_trace_deadlock(trace, index))) return -1;
    return 0;
}
