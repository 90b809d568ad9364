/* The viewer's object ids (see objects.h): open addressing on
 * (process, class, address). */
#include "objects.h"

#include <stdlib.h>
#include <string.h>

struct object_table {
    struct view_object *objects;
    size_t count, capacity;
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t slot_count;
};

static uint64_t hash_object(uint32_t process, uint8_t object_class, uint64_t address)
{
    uint64_t key = address ^ ((uint64_t)process << 40) ^ ((uint64_t)object_class << 56);
    key ^= key >> 33;
    key *= UINT64_C(0xff51afd7ed558ccd);
    key ^= key >> 33;
    return key;
}

struct object_table *object_table_new(void)
{
    return calloc(1, sizeof(struct object_table));
}

void object_table_free(struct object_table *table)
{
    if (!table) return;
    free(table->objects);
    free(table->slots);
    free(table);
}

static size_t slot_of(const struct object_table *table, uint32_t process, uint8_t object_class, uint64_t address)
{
    size_t mask = table->slot_count - 1;
    size_t slot = hash_object(process, object_class, address) & mask;
    while (table->slots[slot]) {
        const struct view_object *object = &table->objects[table->slots[slot] - 1];
        if (object->address == address && object->process == process && object->object_class == object_class)
            return slot;
        slot = (slot + 1) & mask;
    }
    return slot;
}

static int rehash(struct object_table *table)
{
    size_t size = table->slot_count ? table->slot_count * 2 : 256;
    uint32_t *slots = calloc(size, sizeof *slots);
    if (!slots) return -1;
    free(table->slots);
    table->slots = slots;
    table->slot_count = size;
    for (size_t id = 0; id < table->count; id++) {
        const struct view_object *object = &table->objects[id];
        table->slots[slot_of(table, object->process, object->object_class, object->address)] = (uint32_t)id + 1;
    }
    return 0;
}

uint32_t object_table_intern(struct object_table *table, uint32_t process, uint8_t object_class, uint64_t address)
{
    if ((table->count + 1) * 2 > table->slot_count && rehash(table)) return OBJECT_NONE;
    size_t slot = slot_of(table, process, object_class, address);
    if (table->slots[slot]) return table->slots[slot] - 1;
    if (table->count >= OBJECT_NONE - 1) return OBJECT_NONE;
    if (table->count == table->capacity) {
        size_t capacity = table->capacity ? table->capacity * 2 : 256;
        struct view_object *bigger = realloc(table->objects, capacity * sizeof *bigger);
        if (!bigger) return OBJECT_NONE;
        table->objects = bigger;
        table->capacity = capacity;
    }
    struct view_object *object = &table->objects[table->count];
    memset(object, 0, sizeof *object);
    object->process = process;
    object->object_class = object_class;
    object->address = address;
    object->first_use_ns = UINT64_MAX;
    table->slots[slot] = (uint32_t)++table->count;
    return (uint32_t)table->count - 1;
}

uint32_t object_table_find(const struct object_table *table, uint32_t process, uint8_t object_class,
                           uint64_t address)
{
    if (!table->slot_count) return OBJECT_NONE;
    size_t slot = slot_of(table, process, object_class, address);
    return table->slots[slot] ? table->slots[slot] - 1 : OBJECT_NONE;
}

size_t object_table_count(const struct object_table *table) { return table->count; }

struct view_object *object_table_get(struct object_table *table, uint32_t id)
{
    return id < table->count ? &table->objects[id] : NULL;
}

const struct view_object *object_table_at(const struct object_table *table, uint32_t id)
{
    return id < table->count ? &table->objects[id] : NULL;
}

size_t object_table_bytes(const struct object_table *table)
{
    return sizeof *table + table->capacity * sizeof *table->objects + table->slot_count * sizeof *table->slots;
}
