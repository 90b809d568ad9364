/* Names for what a trace talks about: code sites as "function (file:line)",
 * locks by their variable's name or where they were made. Built on the
 * reader and the symboliser; shared by report, export and viewer. */
#ifndef SNAG_NAMES_H
#define SNAG_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "snag/lockstats.h"
#include "snag/reader.h"
#include "snag/stacks.h"
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
/* One frame of a symbolised stack. A call inlined into its caller is a
 * frame of its own (inlined = 1), followed by the function it was inlined
 * into, at the same address. */
struct snag_stack_frame {
    uint64_t address;                   /* the return address as recorded */
    int found;                          /* 0: in no known module (location is empty) */
    int inlined;
    struct snag_code_location location; /* looked up at address-1: the call, not what follows it */
};

/* Room for a whole stack after inline expansion: the shim keeps 32 frames,
 * inlined calls may add a few each. */
#define SNAG_NAMES_STACK_MAX_FRAMES 128

/* Stack `stack_id` of `process` (see snag/stacks.h), innermost first, up to
 * `max` frames after inline expansion. Returns how many were filled, 0 if
 * the stack is unknown. Strings live as long as names. */
size_t snag_names_stack(struct snag_names *names, uint32_t process, uint32_t stack_id,
                        struct snag_stack_frame *frames, size_t max);
/* A frame as "function (file:line)", "module+0x1a2b" or "0x7f..." with
 * " [inlined]" after a call inlined into the next frame; sanitised. */
const char *snag_names_stack_frame_text(const struct snag_stack_frame *frame, char *out, size_t size);

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
