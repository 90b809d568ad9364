/* The reader's stack table (see stack_table.h and snag/stacks.h). */
#include "stack_table.h"

#include <stdlib.h>
#include <string.h>

#include "snag/stacks.h"

/* The shim writes at most 32 frames; more is a corrupt record. */
#define MAX_FRAMES 1024u

struct stack {
    uint32_t process;
    uint32_t id;
    uint32_t canonical; /* first id of equal frames in the process */
    uint32_t frame_count;
    uint64_t *frames;
};

struct snag_stack_table {
    struct stack *stacks;
    size_t count, capacity;
    /* (process, id) -> index + 1, open addressing; 0 = empty */
    uint32_t *slots;
    size_t slot_count; /* a power of two, at least twice count */
};

static uint64_t key_of(uint32_t process, uint32_t stack_id)
{
    return (uint64_t)process << 32 | stack_id;
}

static size_t slot_of(uint64_t key, size_t slot_count)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & (slot_count - 1);
}

static const struct stack *find(const struct snag_stack_table *table, uint32_t process, uint32_t stack_id)
{
    if (!table || !table->slot_count) return NULL;
    uint64_t key = key_of(process, stack_id);
    for (size_t slot = slot_of(key, table->slot_count);; slot = (slot + 1) & (table->slot_count - 1)) {
        uint32_t index = table->slots[slot];
        if (!index) return NULL;
        const struct stack *stack = &table->stacks[index - 1];
        if (key_of(stack->process, stack->id) == key) return stack;
    }
}

static void place(struct snag_stack_table *table, size_t index)
{
    uint64_t key = key_of(table->stacks[index].process, table->stacks[index].id);
    size_t slot = slot_of(key, table->slot_count);
    while (table->slots[slot]) slot = (slot + 1) & (table->slot_count - 1);
    table->slots[slot] = (uint32_t)(index + 1);
}

static int make_room(struct snag_stack_table *table)
{
    if (table->count == table->capacity) {
        size_t capacity = table->capacity ? table->capacity * 2 : 64;
        struct stack *bigger = realloc(table->stacks, capacity * sizeof *bigger);
        if (!bigger) return -1;
        table->stacks = bigger;
        table->capacity = capacity;
    }
    if ((table->count + 1) * 2 > table->slot_count) {
        size_t slot_count = table->slot_count ? table->slot_count * 2 : 128;
        uint32_t *slots = calloc(slot_count, sizeof *slots);
        if (!slots) return -1;
        free(table->slots);
        table->slots = slots;
        table->slot_count = slot_count;
        for (size_t index = 0; index < table->count; index++) place(table, index);
    }
    return 0;
}

struct snag_stack_table *snag_stack_table_new(void)
{
    return calloc(1, sizeof(struct snag_stack_table));
}

void snag_stack_table_free(struct snag_stack_table *table)
{
    if (!table) return;
    for (size_t index = 0; index < table->count; index++) free(table->stacks[index].frames);
    free(table->stacks);
    free(table->slots);
    free(table);
}

const char *snag_stack_table_add(struct snag_stack_table *table, uint32_t process, uint32_t stack_id,
                                 const uint8_t *payload, size_t size)
{
    size_t frame_count = size / 8;
    if (stack_id == 0) return "stack record with id 0 ignored";
    if (frame_count == 0) return "stack record without frames ignored";
    if (frame_count > MAX_FRAMES) return "stack record with more than 1024 frames ignored";
    if (find(table, process, stack_id)) return "stack record reusing an id ignored";
    uint64_t *frames = malloc(frame_count * sizeof *frames);
    if (!frames || make_room(table)) {
        free(frames);
        return "out of memory for a stack record";
    }
    memcpy(frames, payload, frame_count * sizeof *frames);
    table->stacks[table->count] = (struct stack){process, stack_id, stack_id, (uint32_t)frame_count, frames};
    place(table, table->count);
    table->count++;
    return NULL;
}

static int compare_frames(const void *left, const void *right)
{
    const struct stack *a = *(const struct stack *const *)left, *b = *(const struct stack *const *)right;
    if (a->process != b->process) return a->process < b->process ? -1 : 1;
    if (a->frame_count != b->frame_count) return a->frame_count < b->frame_count ? -1 : 1;
    for (uint32_t index = 0; index < a->frame_count; index++)
        if (a->frames[index] != b->frames[index]) return a->frames[index] < b->frames[index] ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int same_stack(const struct stack *a, const struct stack *b)
{
    return a->process == b->process && a->frame_count == b->frame_count &&
           memcmp(a->frames, b->frames, a->frame_count * sizeof *a->frames) == 0;
}

void snag_stack_table_seal(struct snag_stack_table *table)
{
    if (!table || table->count < 2) return;
    struct stack **order = malloc(table->count * sizeof *order);
    if (!order) return; /* duplicates then keep their own ids: still correct frames */
    for (size_t index = 0; index < table->count; index++) order[index] = &table->stacks[index];
    if (table->count > 1) qsort(order, table->count, sizeof *order, compare_frames);
    for (size_t index = 1; index < table->count; index++)
        if (same_stack(order[index - 1], order[index])) order[index]->canonical = order[index - 1]->canonical;
    free(order);
}

uint32_t snag_stack_table_canonical(const struct snag_stack_table *table, uint32_t process, uint32_t stack_id)
{
    const struct stack *stack = find(table, process, stack_id);
    return stack ? stack->canonical : 0;
}

size_t snag_stack_table_frames(const struct snag_stack_table *table, uint32_t process, uint32_t stack_id,
                               const uint64_t **frames)
{
    const struct stack *stack = find(table, process, stack_id);
    if (frames) *frames = stack ? stack->frames : NULL;
    return stack ? stack->frame_count : 0;
}

size_t snag_trace_stack(const struct snag_trace *trace, uint32_t process, uint32_t stack_id,
                        const uint64_t **frames)
{
    return snag_stack_table_frames(snag_trace_stack_table(trace), process, stack_id, frames);
}
