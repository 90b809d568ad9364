/* Unit tests for the display helpers (libtrace/reader/text.c).
 *
 * Text from a trace (thread names, argv, paths) is untrusted: whatever the
 * bytes, snag_text_sanitize must hand a terminal only printable, valid UTF-8,
 * writing everything else as \xHH, and never more than the buffer holds.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snag/text.h"


#define CANARY 0x5a
#define ROOM 512

/* Sanitises into a canary-filled buffer and checks nothing past `size` changed. */
static const char *sanitize(const char *text, size_t size)
{
    static char out[ROOM];
    assert_true(size <= ROOM - 16);
    memset(out, CANARY, sizeof out);
    char *result = snag_text_sanitize(text, out, size);
    assert_ptr_equal(result, out);
    if (size) assert_true(strnlen(out, size) < size); /* NUL-terminated inside the buffer */
    for (size_t index = size; index < sizeof out; index++)
        if ((unsigned char)out[index] != CANARY) fail_msg("byte %zu written past a buffer of %zu", index, size);
    return out;
}

static void assert_sanitized(const char *text, const char *expected)
{
    assert_string_equal(sanitize(text, 256), expected);
}

/* Strict UTF-8 check of display-safe output: no C0 control, DEL, C1 control,
 * surrogate, overlong form or code point past U+10FFFF. Returns a message or NULL. */
static const char *display_problem(const unsigned char *bytes)
{
    while (*bytes) {
        unsigned lead = *bytes;
        size_t length;
        unsigned long point;
        if (lead < 0x80) {
            if (lead < 0x20 || lead == 0x7f) return "control character";
            bytes++;
            continue;
        }
        if (lead >= 0xc2 && lead <= 0xdf) length = 2, point = lead & 0x1f;
        else if (lead >= 0xe0 && lead <= 0xef) length = 3, point = lead & 0x0f;
        else if (lead >= 0xf0 && lead <= 0xf4) length = 4, point = lead & 0x07;
        else return "invalid lead byte";
        for (size_t index = 1; index < length; index++) {
            if ((bytes[index] & 0xc0) != 0x80) return "truncated sequence";
            point = point << 6 | (bytes[index] & 0x3f);
        }
        if ((length == 3 && point < 0x800) || (length == 4 && point < 0x10000)) return "overlong form";
        if (point > 0x10ffff) return "beyond U+10FFFF";
        if (point >= 0xd800 && point <= 0xdfff) return "surrogate";
        if (point >= 0x80 && point <= 0x9f) return "C1 control";
        bytes += length;
    }
    return NULL;
}

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(0x2545F4914F6CDD1D);
}

/* ------------------------------------------------------------- sanitising */

static void text_sanitize_escapes_terminal_escape_sequences(void **state)
{
    (void)state;
    assert_sanitized("\x1b[2J", "\\x1b[2J");
    assert_sanitized("\x1b]0;owned\x07", "\\x1b]0;owned\\x07");
    assert_sanitized("worker\x1b[31m-1", "worker\\x1b[31m-1");
    assert_sanitized("a\nb\r\tc", "a\\x0ab\\x0d\\x09c");
    assert_sanitized("\x7f", "\\x7f");
}

static void text_sanitize_escapes_every_c0_control_and_del(void **state)
{
    (void)state;
    for (unsigned byte = 1; byte < 0x80; byte++) {
        char text[2] = {(char)byte, 0}, expected[8];
        if (byte < 0x20 || byte == 0x7f) snprintf(expected, sizeof expected, "\\x%02x", byte);
        else snprintf(expected, sizeof expected, "%c", (char)byte); /* printable ASCII passes */
        assert_sanitized(text, expected);
    }
}

/* C1 controls (U+0080..U+009F, CSI is U+009B) act on terminals both as raw
 * bytes and UTF-8 encoded. */
static void text_sanitize_escapes_c1_controls_raw_and_utf8_encoded(void **state)
{
    (void)state;
    assert_sanitized("\x9b" "2J", "\\x9b2J");
    assert_sanitized("\xc2\x9b" "2J", "\\xc2\\x9b2J");
    for (unsigned point = 0x80; point <= 0x9f; point++) {
        char text[3] = {(char)0xc2, (char)point, 0}, expected[16];
        snprintf(expected, sizeof expected, "\\xc2\\x%02x", point);
        assert_sanitized(text, expected);
    }
    assert_sanitized("\xc2\xa0", "\xc2\xa0"); /* U+00A0, just after them, is text */
}

static void text_sanitize_escapes_invalid_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expected;
    } cases[] = {
        {"\xc0\xaf", "\\xc0\\xaf"},                         /* overlong '/' */
        {"\xc1\xbf", "\\xc1\\xbf"},
        {"\xe0\x80\xaf", "\\xe0\\x80\\xaf"},                /* overlong, 3 bytes */
        {"\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"},       /* overlong, 4 bytes */
        {"\xed\xa0\x80", "\\xed\\xa0\\x80"},                /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},       /* U+110000 */
        {"\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80"},
        {"\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80"}, /* old 5-byte form */
        {"\xfe\xff", "\\xfe\\xff"},
        {"\x80", "\\x80"},                                  /* lone continuation byte */
        {"ab\xe6\x97", "ab\\xe6\\x97"},                     /* cut at the end */
        {"\xe6\x97x", "\\xe6\\x97x"},                       /* cut by another character */
        {"\xc3", "\\xc3"},
        {"\xc3\xbc\xbc", "\xc3\xbc\\xbc"},                  /* one continuation too many */
    };
    for (size_t index = 0; index < sizeof cases / sizeof *cases; index++)
        assert_sanitized(cases[index].text, cases[index].expected);
}

static void text_sanitize_keeps_valid_utf8(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "zürich", "日本", "Ελληνικά", "worker-1 (pool)", "\xf0\x9f\x98\x80 ok", /* U+1F600 */
        "\xef\xbf\xbd",                                                         /* U+FFFD */
        "\xf4\x8f\xbf\xbf",                                                     /* U+10FFFF */
        "\xe0\xa0\x80",                                                         /* U+0800 */
        "\xf0\x90\x80\x80",                                                     /* U+10000 */
        "back\\slash \\x41 stays",
        "",
    };
    for (size_t index = 0; index < sizeof texts / sizeof *texts; index++) assert_sanitized(texts[index], texts[index]);
}

static void text_sanitize_handles_null_text_and_zero_size(void **state)
{
    (void)state;
    assert_string_equal(sanitize(NULL, 16), "");
    char out[4] = {'x', 'y', 'z', 0};
    assert_ptr_equal(snag_text_sanitize("hello", out, 0), out);
    assert_memory_equal(out, "xyz", 4); /* size 0: nothing written */
}

/* A short buffer takes whole characters and whole escapes only. */
static void text_sanitize_truncates_safely_at_small_buffer_sizes(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *by_size[9]; /* expected output for sizes 1..8 (index 0 unused) */
    } cases[] = {
        {"日本", {NULL, "", "", "", "日", "日", "日", "日本", "日本"}},
        {"\x1b[2J", {NULL, "", "", "", "", "\\x1b", "\\x1b[", "\\x1b[2", "\\x1b[2J"}},
        {"zü!", {NULL, "", "z", "z", "zü", "zü!", "zü!", "zü!", "zü!"}},
        {"a\x80" "b", {NULL, "", "a", "a", "a", "a", "a\\x80", "a\\x80b", "a\\x80b"}},
        {"\xf0\x9f\x98\x80x", {NULL, "", "", "", "", "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80x", "\xf0\x9f\x98\x80x",
                               "\xf0\x9f\x98\x80x"}},
        {"abcdefghij", {NULL, "", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg"}},
    };
    for (size_t index = 0; index < sizeof cases / sizeof *cases; index++)
        for (size_t size = 1; size <= 8; size++) {
            const char *out = sanitize(cases[index].text, size);
            if (strcmp(out, cases[index].by_size[size]) != 0)
                fail_msg("case %zu, size %zu: \"%s\", expected \"%s\"", index, size, out, cases[index].by_size[size]);
        }
}

/* Whatever the bytes and the buffer size: display-safe output, within the
 * buffer, nothing dropped when there is room, valid text unchanged. */
static void text_sanitize_output_is_always_display_safe(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "Z", " ", "\\", "ü", "日", "\xf0\x9f\x98\x80", "\xc2\xa0", "\x1b",
                                         "\n", "\x7f", "\x9b", "\xc2\x9b", "\xc0\xaf", "\xed\xa0\x80", "\xe6\x97",
                                         "\xf4\x90\x80\x80", "\xff", "\x80"};
    uint64_t seed = UINT64_C(0x123456789abcdef);
    char text[256];
    for (unsigned round = 0; round < 20000; round++) {
        size_t length = 0;
        unsigned parts = (unsigned)(next_random(&seed) % 24);
        for (unsigned part = 0; part < parts; part++) {
            if (next_random(&seed) % 3 == 0) {
                unsigned char byte = (unsigned char)(1 + next_random(&seed) % 255); /* any byte but NUL */
                text[length++] = (char)byte;
            } else {
                const char *piece = pieces[next_random(&seed) % (sizeof pieces / sizeof *pieces)];
                memcpy(text + length, piece, strlen(piece));
                length += strlen(piece);
            }
        }
        text[length] = '\0';
        size_t size = 1 + next_random(&seed) % 120;
        const char *out = sanitize(text, size);
        const char *problem = display_problem((const unsigned char *)out);
        if (problem) fail_msg("round %u: %s in the output for size %zu", round, problem, size);
        /* a bigger buffer gives the same output, longer: truncation only cuts the end */
        char shorter[ROOM];
        memcpy(shorter, out, strlen(out) + 1);
        out = sanitize(text, 4 * length + 1); /* room for everything */
        assert_int_equal(strncmp(out, shorter, strlen(shorter)), 0);
        assert_true(strlen(out) >= length); /* every input byte shows */
        assert_null(display_problem((const unsigned char *)out));
    }
}

/* ------------------------------------------------------------- durations */

static void assert_duration(uint64_t ns, const char *expected)
{
    char out[64];
    memset(out, CANARY, sizeof out);
    assert_ptr_equal(snag_text_duration(ns, out, sizeof out), out);
    assert_string_equal(out, expected);
}

static void text_duration_picks_the_unit(void **state)
{
    (void)state;
    assert_duration(0, "0 ns");
    assert_duration(812, "812 ns");
    assert_duration(999, "999 ns");
    assert_duration(1000, "1.00 us");
    assert_duration(3400, "3.40 us");
    assert_duration(1500000, "1.50 ms");
    assert_duration(2310000000u, "2.31 s");
    assert_duration(UINT64_C(86400000000000), "86400 s"); /* seconds are the largest unit */
}

static void text_duration_truncates_to_the_buffer(void **state)
{
    (void)state;
    char out[16];
    memset(out, CANARY, sizeof out);
    snag_text_duration(3400, out, 4);
    assert_string_equal(out, "3.4");
    for (size_t index = 4; index < sizeof out; index++) assert_int_equal((unsigned char)out[index], CANARY);
    snag_text_duration(812, out, 1);
    assert_string_equal(out, "");
}

/* Regression: snag/text.h documents "51.2 ms",
 * three significant digits, but snag_text_duration always prints two
 * decimals ("51.20 ms", "123.46 ms"). */
static void text_duration_keeps_three_significant_digits(void **state)
{
    (void)state;
    assert_duration(51200000, "51.2 ms");
    assert_duration(123456789, "123 ms");
    assert_duration(3400, "3.40 us");
}

/* Regression: a value just under the next unit rounds up to "1000.00" of
 * the smaller one: 999999 ns prints "1000.00 us", 999999999 ns "1000.00 ms". */
static void text_duration_never_shows_a_thousand_of_a_unit(void **state)
{
    (void)state;
    assert_duration(999999, "1.00 ms");
    assert_duration(999999999, "1.00 s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_sanitize_escapes_terminal_escape_sequences),
        cmocka_unit_test(text_sanitize_escapes_every_c0_control_and_del),
        cmocka_unit_test(text_sanitize_escapes_c1_controls_raw_and_utf8_encoded),
        cmocka_unit_test(text_sanitize_escapes_invalid_utf8),
        cmocka_unit_test(text_sanitize_keeps_valid_utf8),
        cmocka_unit_test(text_sanitize_handles_null_text_and_zero_size),
        cmocka_unit_test(text_sanitize_truncates_safely_at_small_buffer_sizes),
        cmocka_unit_test(text_sanitize_output_is_always_display_safe),
        cmocka_unit_test(text_duration_picks_the_unit),
        cmocka_unit_test(text_duration_truncates_to_the_buffer),
        cmocka_unit_test(text_duration_keeps_three_significant_digits),
        cmocka_unit_test(text_duration_never_shows_a_thousand_of_a_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
