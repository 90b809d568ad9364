/* Names for what a trace talks about: code sites as "function (file:line)",
 * locks by their variable's name or where they were made. Built on the
 * reader and the symboliser; shared by report, export and viewer. */
#ifndef SNAG_NAMES_H
#define SNAG_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "snag/lockstats.h"
#include "snag/reader.h"
#include "snag/symbols.h"

struct snag_names;

/* Registers every module of the trace with a new symboliser. NULL if out of memory. */
struct snag_names *snag_names_new(const struct snag_trace *trace);
void snag_names_free(struct snag_names *names);

/* A code address (a call's return address) of `process`. Returns 0, or -1
 * when it lies in no known module (then out has only the address). */
int snag_names_site(struct snag_names *names, uint32_t process, uint64_t return_address,
                    struct snag_code_location *out);
/* "function (file:line)", "module+0x1a2b" or "0x7f..."; sanitised for display. */
const char *snag_names_site_text(struct snag_names *names, uint32_t process, uint64_t return_address, char *out,
                                 size_t size);
/* A lock's label: its variable ("accounts_lock", "stripe_locks[1]"), a named
 * semaphore's name, else "initialised at ..." or "first used at ...", else
 * its address. A forked child's lock that its parent initialised before the
 * fork (the child's copy of it) is labelled as the parent's. Sanitised. */
const char *snag_names_lock_label(struct snag_names *names, const struct snag_lock_stats *lock, char *out,
                                  size_t size);
/* "pid:0xaddress" with "#instance" for re-initialised objects. */
const char *snag_names_lock_id(const struct snag_trace *trace, const struct snag_lock_stats *lock, char *out,
                               size_t size);

#endif
