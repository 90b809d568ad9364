/* The objects a trace talks about (locks, condvars, semaphores, barriers,
 * threads as join targets), each given a small id when the viewer opens the
 * trace, so that the lane index can name them in a few bytes. */
#ifndef SNAG_VIEWER_OBJECTS_H
#define SNAG_VIEWER_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#define OBJECT_NONE UINT32_MAX

struct view_object {
    uint32_t process;
    uint8_t object_class;  /* enum snag_object_class */
    uint64_t address;      /* threads: their pthread_t */
    uint64_t init_site;    /* where it was initialised, 0 if not seen */
    uint64_t first_site;   /* the earliest wait or acquisition's call site */
    uint64_t first_use_ns; /* ... and when, UINT64_MAX if never */
};

struct object_table;

struct object_table *object_table_new(void);
void object_table_free(struct object_table *table);

/* The id of (process, class, address), added on first sight; OBJECT_NONE
 * only when out of memory. */
uint32_t object_table_intern(struct object_table *table, uint32_t process, uint8_t object_class, uint64_t address);
/* The id, or OBJECT_NONE if the table never saw it. */
uint32_t object_table_find(const struct object_table *table, uint32_t process, uint8_t object_class,
                           uint64_t address);
size_t object_table_count(const struct object_table *table);
struct view_object *object_table_get(struct object_table *table, uint32_t id);
const struct view_object *object_table_at(const struct object_table *table, uint32_t id);
size_t object_table_bytes(const struct object_table *table);

#endif
