/* Stacks in the report's words, text and JSON: the one place that turns a
 * captured stack (snag/stacks.h) into output, for the locks table and for
 * every finding that shows one. */
#ifndef SNAG_TOOLS_STACK_OUTPUT_H
#define SNAG_TOOLS_STACK_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "snag/names.h"

/* The innermost `max_frames` frames (inlined calls count as frames), one
 * line each after `indent`, then "..." if there are more. Nothing for an
 * unknown stack. */
void print_stack(FILE *out, struct snag_names *names, uint32_t process, uint32_t stack_id, const char *indent,
                 size_t max_frames);

/* The stack's frames as a JSON array value, innermost first:
 * [{"function", "file", "line", "module", "module_offset", "inlined"}, ...]
 * (null function/file/module and 0 line when unknown); [] for an unknown stack. */
void json_stack_frames(struct json *json, struct snag_names *names, uint32_t process, uint32_t stack_id);

#endif
