/* Streaming JSON writer (see json.h). */
#include "json.h"

#include "snag/text.h"

#include <inttypes.h>
#include <string.h>

static void separate(struct json *json)
{
    if (json->after_key) {
        json->after_key = 0;
        return;
    }
    if (json->need_comma[json->depth]) fputc(',', json->out);
    json->need_comma[json->depth] = 1;
}

static void open_container(struct json *json, char bracket)
{
    separate(json);
    fputc(bracket, json->out);
    if (json->depth < 63) json->depth++;
    json->need_comma[json->depth] = 0;
}

static void close_container(struct json *json, char bracket)
{
    if (json->depth > 0) json->depth--;
    fputc(bracket, json->out);
}

void json_begin_object(struct json *json) { open_container(json, '{'); }
void json_end_object(struct json *json) { close_container(json, '}'); }
void json_begin_array(struct json *json) { open_container(json, '['); }
void json_end_array(struct json *json) { close_container(json, ']'); }

static void write_string(FILE *out, const char *text)
{
    const unsigned char *bytes = (const unsigned char *)(text ? text : "");
    fputc('"', out);
    while (*bytes) {
        unsigned char byte = *bytes;
        if (byte == '"' || byte == '\\') {
            fputc('\\', out);
            fputc(byte, out);
            bytes++;
        } else if (byte < 0x20 || byte == 0x7f) {
            fprintf(out, "\\u%04x", byte);
            bytes++;
        } else if (byte < 0x80) {
            fputc(byte, out);
            bytes++;
        } else {
            size_t length = snag_text_utf8_length((const char *)bytes);
            if (length) {
                fwrite(bytes, 1, length, out);
                bytes += length;
            } else {
                fputs("\\ufffd", out);
                bytes++;
            }
        }
    }
    fputc('"', out);
}

void json_key(struct json *json, const char *key)
{
    separate(json);
    write_string(json->out, key);
    fputc(':', json->out);
    json->after_key = 1;
}

void json_string(struct json *json, const char *text)
{
    separate(json);
    write_string(json->out, text);
}

void json_uint(struct json *json, uint64_t value)
{
    separate(json);
    fprintf(json->out, "%" PRIu64, value);
}

void json_int(struct json *json, int64_t value)
{
    separate(json);
    fprintf(json->out, "%" PRId64, value);
}

void json_null(struct json *json)
{
    separate(json);
    fputs("null", json->out);
}

void json_bool(struct json *json, int value)
{
    separate(json);
    fputs(value ? "true" : "false", json->out);
}

void json_raw(struct json *json, const char *text)
{
    separate(json);
    fputs(text, json->out);
}
