/* Lock identities (see lock_identity.h). */
#include "lock_identity.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(uint32_t process, uint8_t object_class, uint64_t address)
{
    uint64_t key = address ^ ((uint64_t)process << 40) ^ ((uint64_t)object_class << 36);
    key ^= key >> 31;
    key *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(key ^ (key >> 29));
}

static bool same_object(const struct snag_finding_lock *lock, uint32_t process, uint8_t object_class,
                        uint64_t address)
{
    return lock->process == process && lock->object_class == object_class && lock->address == address;
}

/* Only the newest identity of each object is in the table. */
static int rehash(struct lock_identities *identities)
{
    size_t size = identities->table_size ? identities->table_size * 2 : 256;
    size_t *table = calloc(size, sizeof *table);
    if (!table) return -1;
    for (size_t id = identities->count; id-- > 0;) {
        const struct snag_finding_lock *lock = &identities->locks[id];
        size_t slot = hash(lock->process, lock->object_class, lock->address) & (size - 1);
        bool newer_present = false;
        while (table[slot] && !newer_present) {
            newer_present = same_object(&identities->locks[table[slot] - 1], lock->process, lock->object_class,
                                        lock->address);
            slot = (slot + 1) & (size - 1);
        }
        if (!newer_present) table[slot] = id + 1;
    }
    free(identities->table);
    identities->table = table;
    identities->table_size = size;
    return 0;
}

size_t lock_identity_of(struct lock_identities *identities, const struct snag_event *event)
{
    if ((identities->count + 1) * 2 > identities->table_size && rehash(identities)) return LOCK_IDENTITY_NONE;
    size_t mask = identities->table_size - 1;
    size_t slot = hash(event->process, event->object_class, event->object) & mask;
    uint32_t instance = 0;
    while (identities->table[slot]) {
        size_t id = identities->table[slot] - 1;
        if (same_object(&identities->locks[id], event->process, event->object_class, event->object)) {
            if (event->op != SNAG_OP_INIT) return id;
            instance = identities->locks[id].instance + 1;
            break;
        }
        slot = (slot + 1) & mask;
    }
    if (identities->count == identities->capacity) {
        size_t capacity = identities->capacity ? identities->capacity * 2 : 256;
        struct snag_finding_lock *bigger = realloc(identities->locks, capacity * sizeof *bigger);
        if (!bigger) return LOCK_IDENTITY_NONE;
        identities->locks = bigger;
        identities->capacity = capacity;
    }
    identities->locks[identities->count] =
        (struct snag_finding_lock){event->process, event->object_class, event->object, instance};
    identities->table[slot] = ++identities->count;
    return identities->count - 1;
}

void lock_identities_free(struct lock_identities *identities)
{
    free(identities->locks);
    free(identities->table);
}

int lock_identities_fit(const struct lock_identities *identities, void **array, size_t *capacity,
                        size_t element_size)
{
    if (identities->count <= *capacity) return 0;
    size_t wanted = identities->capacity;
    char *bigger = realloc(*array, wanted * element_size);
    if (!bigger) return -1;
    memset(bigger + *capacity * element_size, 0, (wanted - *capacity) * element_size);
    *array = bigger;
    *capacity = wanted;
    return 0;
}
