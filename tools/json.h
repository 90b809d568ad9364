/* A small streaming JSON writer: values are written as they come, so an
 * export of any size runs in constant memory. */
#ifndef SNAG_TOOLS_JSON_H
#define SNAG_TOOLS_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
    FILE *out;
    int depth;
    int need_comma[64];
    int after_key;
};

void json_begin_object(struct json *json);
void json_end_object(struct json *json);
void json_begin_array(struct json *json);
void json_end_array(struct json *json);
void json_key(struct json *json, const char *key);
/* Untrusted bytes: escaped, invalid UTF-8 replaced by U+FFFD. */
void json_string(struct json *json, const char *text);
void json_uint(struct json *json, uint64_t value);
void json_int(struct json *json, int64_t value);
void json_null(struct json *json);
void json_bool(struct json *json, int value);
/* A value written as is: the caller makes sure it is valid JSON (a number in
 * a form the other writers do not produce, such as fixed-point). */
void json_raw(struct json *json, const char *text);

#endif
