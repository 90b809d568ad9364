/* Lock identities for the analyses (internal to the reader): each object a
 * trace names gets a dense id, and an INIT at an address already seen starts
 * a new identity (instance + 1), so a lock destroyed and another made at the
 * same address (heap reuse) are told apart, as snag_lock_stats counts them. */
#ifndef SNAG_LOCK_IDENTITY_H
#define SNAG_LOCK_IDENTITY_H

#include <stddef.h>

#include "snag/findings.h"

struct lock_identities {
    struct snag_finding_lock *locks; /* by id */
    size_t count, capacity;
    size_t *table; /* open addressing: id + 1 of the current identity, 0 = empty */
    size_t table_size;
};

#define LOCK_IDENTITY_NONE SIZE_MAX

/* The id of the object `event` is about, after the event (an INIT makes a
 * new one); ids count up from 0 so callers can keep arrays by id.
 * LOCK_IDENTITY_NONE when out of memory. */
size_t lock_identity_of(struct lock_identities *identities, const struct snag_event *event);
void lock_identities_free(struct lock_identities *identities);
/* Grows a caller's array kept by id (`*array` of `*capacity` elements of
 * `element_size` bytes) to hold every id given so far, new elements zeroed.
 * 0, or -1 when out of memory. */
int lock_identities_fit(const struct lock_identities *identities, void **array, size_t *capacity,
                        size_t element_size);

#endif
