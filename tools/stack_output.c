/* Stacks as text and JSON (see stack_output.h). */
#include "stack_output.h"

void print_stack(FILE *out, struct snag_names *names, uint32_t process, uint32_t stack_id, const char *indent,
                 size_t max_frames)
{
    struct snag_stack_frame frames[SNAG_NAMES_STACK_MAX_FRAMES];
    size_t count = snag_names_stack(names, process, stack_id, frames, SNAG_NAMES_STACK_MAX_FRAMES);
    for (size_t index = 0; index < count && index < max_frames; index++) {
        char text[1024];
        fprintf(out, "%s%s\n", indent, snag_names_stack_frame_text(&frames[index], text, sizeof text));
    }
    if (count > max_frames) fprintf(out, "%s...\n", indent);
}

static void json_string_or_null(struct json *json, const char *text)
{
    if (text) json_string(json, text);
    else json_null(json);
}

void json_stack_frames(struct json *json, struct snag_names *names, uint32_t process, uint32_t stack_id)
{
    struct snag_stack_frame frames[SNAG_NAMES_STACK_MAX_FRAMES];
    size_t count = snag_names_stack(names, process, stack_id, frames, SNAG_NAMES_STACK_MAX_FRAMES);
    json_begin_array(json);
    for (size_t index = 0; index < count; index++) {
        const struct snag_stack_frame *frame = &frames[index];
        json_begin_object(json);
        json_key(json, "function");
        json_string_or_null(json, frame->location.function);
        json_key(json, "file");
        json_string_or_null(json, frame->location.file);
        json_key(json, "line");
        json_uint(json, (uint64_t)(frame->location.line > 0 ? frame->location.line : 0));
        json_key(json, "module");
        json_string_or_null(json, frame->location.module);
        json_key(json, "module_offset");
        json_uint(json, frame->found ? frame->location.module_offset : frame->address);
        json_key(json, "inlined");
        json_uint(json, (uint64_t)frame->inlined);
        json_end_object(json);
    }
    json_end_array(json);
}
