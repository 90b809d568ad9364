/* Names of sites and locks (see snag/names.h). */
#include "snag/names.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/text.h"

/* An object a process initialised: where, and when. */
struct object_init {
    uint64_t address;
    uint64_t site;
    uint64_t time_ns;
    uint8_t object_class;
};

/* A process's INIT events, gathered the first time one of its forked
 * children needs them. */
struct process_inits {
    bool gathered;
    struct object_init *inits;
    size_t count;
};

struct snag_names {
    const struct snag_trace *trace;
    struct snag_symbolizer *symbolizer;
    struct process_inits *inits; /* per process */
};

struct snag_names *snag_names_new(const struct snag_trace *trace)
{
    struct snag_names *names = calloc(1, sizeof *names);
    if (!names) return NULL;
    names->trace = trace;
    names->symbolizer = snag_symbolizer_new();
    size_t processes = snag_trace_process_count(trace);
    names->inits = calloc(processes ? processes : 1, sizeof *names->inits);
    if (!names->symbolizer || !names->inits) {
        snag_symbolizer_free(names->symbolizer);
        free(names->inits);
        free(names);
        return NULL;
    }
    for (size_t index = 0; index < snag_trace_module_count(trace); index++) {
        const struct snag_module_info *module = snag_trace_module(trace, index);
        snag_symbolizer_add_module(names->symbolizer, module->process, module->path, module->base_address,
                                   module->low_address, module->high_address, module->build_id,
                                   module->build_id_size);
    }
    return names;
}

void snag_names_free(struct snag_names *names)
{
    if (!names) return;
    snag_symbolizer_free(names->symbolizer);
    for (size_t index = 0; index < snag_trace_process_count(names->trace); index++) free(names->inits[index].inits);
    free(names->inits);
    free(names);
}

int snag_names_site(struct snag_names *names, uint32_t process, uint64_t return_address,
                    struct snag_code_location *out)
{
    memset(out, 0, sizeof *out);
    if (!return_address) return -1;
    return snag_symbolize_code(names->symbolizer, process, return_address, 1, out);
}

const char *snag_names_site_text(struct snag_names *names, uint32_t process, uint64_t return_address, char *out,
                                 size_t size)
{
    struct snag_code_location location;
    char raw[1024];
    if (!return_address) snprintf(raw, sizeof raw, "(unknown site)");
    else if (snag_names_site(names, process, return_address, &location) == 0)
        snag_code_location_format(&location, raw, sizeof raw);
    else snprintf(raw, sizeof raw, "0x%" PRIx64, return_address);
    return snag_text_sanitize(raw, out, size);
}

static const struct process_inits *inits_of(struct snag_names *names, uint32_t process)
{
    struct process_inits *inits = &names->inits[process];
    if (inits->gathered) return inits;
    inits->gathered = true;
    const struct snag_process_info *info = snag_trace_process(names->trace, process);
    size_t capacity = 0;
    for (uint32_t thread = info->first_thread; thread < info->first_thread + info->thread_count; thread++) {
        struct snag_event_cursor *cursor = snag_events_of_thread(names->trace, thread);
        struct snag_event event;
        while (cursor && snag_event_next(cursor, &event)) {
            if (event.op != SNAG_OP_INIT || event.object_class == SNAG_CLASS_THREAD) continue;
            if (inits->count == capacity) {
                size_t bigger_capacity = capacity ? capacity * 2 : 16;
                struct object_init *bigger = realloc(inits->inits, bigger_capacity * sizeof *bigger);
                if (!bigger) break; /* the labels fall back to "first used at" */
                inits->inits = bigger;
                capacity = bigger_capacity;
            }
            inits->inits[inits->count++] =
                (struct object_init){event.object, event.site, event.time_ns, event.object_class};
        }
        snag_event_cursor_free(cursor);
    }
    return inits;
}

/* A forked child's copy of a lock its parent had initialised before the
 * fork is that lock: the parent's latest INIT of the address before the
 * child started (a fork of a fork asks the grandparent in turn). On
 * success *origin is the lock as the initialising process knows it. */
static bool inherited_origin(struct snag_names *names, const struct snag_lock_stats *lock,
                             struct snag_lock_stats *origin)
{
    const struct snag_process_info *child = snag_trace_process(names->trace, lock->process);
    uint64_t fork_ns = child->start_ns;
    for (int depth = 0; child->forked && child->parent != SNAG_NO_INDEX && depth < 64; depth++) {
        const struct process_inits *inits = inits_of(names, child->parent);
        const struct object_init *latest = NULL;
        for (size_t index = 0; index < inits->count; index++) {
            const struct object_init *init = &inits->inits[index];
            if (init->address == lock->address && init->object_class == lock->object_class && init->site &&
                init->time_ns <= fork_ns && (!latest || init->time_ns >= latest->time_ns))
                latest = init;
        }
        if (latest) {
            *origin = (struct snag_lock_stats){
                .process = child->parent,
                .object_class = lock->object_class,
                .address = lock->address,
                .init_site = latest->site,
            };
            return true;
        }
        child = snag_trace_process(names->trace, child->parent);
        fork_ns = child->start_ns < fork_ns ? child->start_ns : fork_ns;
    }
    return false;
}

size_t snag_names_stack(struct snag_names *names, uint32_t process, uint32_t stack_id,
                        struct snag_stack_frame *frames, size_t max)
{
    const uint64_t *addresses;
    size_t count = snag_trace_stack(names->trace, process, stack_id, &addresses);
    size_t filled = 0;
    for (size_t index = 0; index < count && filled < max; index++) {
        struct snag_code_location inlined[16];
        int found = snag_symbolize_code_frames(names->symbolizer, process, addresses[index], 1, inlined, 16);
        for (int frame = 0; frame < (found > 0 ? found : 1) && filled < max; frame++) {
            struct snag_stack_frame *out = &frames[filled++];
            memset(out, 0, sizeof *out);
            out->address = addresses[index];
            out->found = found > 0;
            out->inlined = frame + 1 < found;
            if (found > 0) out->location = inlined[frame];
        }
    }
    return filled;
}

const char *snag_names_stack_frame_text(const struct snag_stack_frame *frame, char *out, size_t size)
{
    char raw[1024];
    if (frame->found) snag_code_location_format(&frame->location, raw, sizeof raw);
    else snprintf(raw, sizeof raw, "0x%" PRIx64, frame->address);
    if (frame->inlined) strncat(raw, " [inlined]", sizeof raw - strlen(raw) - 1);
    return snag_text_sanitize(raw, out, size);
}

const char *snag_names_lock_label(struct snag_names *names, const struct snag_lock_stats *lock, char *out,
                                  size_t size)
{
    struct snag_lock_stats origin;
    if (!lock->init_site && inherited_origin(names, lock, &origin)) return snag_names_lock_label(names, &origin, out, size);
    char raw[1024], where[768];
    const char *symbol;
    uint64_t offset;
    const char *semaphore = lock->object_class == SNAG_CLASS_SEM
                                ? snag_trace_semaphore_name(names->trace, lock->process, lock->address)
                                : NULL;
    if (semaphore) {
        snprintf(raw, sizeof raw, "%s", semaphore);
    } else if (snag_symbolize_data(names->symbolizer, lock->process, lock->address, &symbol, &offset) == 0) {
        if (offset == 0) snprintf(raw, sizeof raw, "%s", symbol);
        else snprintf(raw, sizeof raw, "%s+%" PRIu64, symbol, offset);
    } else if (lock->init_site) {
        snprintf(raw, sizeof raw, "%s initialised at %s", snag_class_name(lock->object_class),
                 snag_names_site_text(names, lock->process, lock->init_site, where, sizeof where));
    } else if (lock->first_site) {
        snprintf(raw, sizeof raw, "%s first used at %s", snag_class_name(lock->object_class),
                 snag_names_site_text(names, lock->process, lock->first_site, where, sizeof where));
    } else {
        snprintf(raw, sizeof raw, "%s at 0x%" PRIx64, snag_class_name(lock->object_class), lock->address);
    }
    return snag_text_sanitize(raw, out, size);
}

const char *snag_names_lock_id(const struct snag_trace *trace, const struct snag_lock_stats *lock, char *out,
                               size_t size)
{
    const struct snag_process_info *process = snag_trace_process(trace, lock->process);
    if (lock->instance) snprintf(out, size, "%d:0x%" PRIx64 "#%u", process->pid, lock->address, lock->instance);
    else snprintf(out, size, "%d:0x%" PRIx64, process->pid, lock->address);
    return out;
}
