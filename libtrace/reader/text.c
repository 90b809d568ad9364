/* Safe display of untrusted text (see snag/text.h). */
#include "snag/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t snag_text_utf8_length(const char *text)
{
    const unsigned char *bytes = (const unsigned char *)text;
    unsigned char lead = bytes[0];
    if (lead < 0x80) return 1;
    size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 0;
    if (length == 0 || (lead >= 0xf0 && length != 4)) return 0;
    for (size_t index = 1; index < length; index++)
        if ((bytes[index] & 0xc0) != 0x80) return 0;
    unsigned long point = lead & (0x7f >> length);
    for (size_t index = 1; index < length; index++) point = (point << 6) | (bytes[index] & 0x3f);
    if ((length == 3 && point < 0x800) || (length == 4 && (point < 0x10000 || point > 0x10ffff))) return 0;
    if (point >= 0xd800 && point <= 0xdfff) return 0;
    return length;
}

/* What a terminal may be sent: valid UTF-8 that is no C1 control (CSI is
 * U+009B), so 0 for those as for invalid bytes. */
static size_t displayable_sequence(const unsigned char *bytes)
{
    size_t length = snag_text_utf8_length((const char *)bytes);
    if (length == 2 && bytes[0] == 0xc2 && bytes[1] <= 0x9f) return 0;
    return length;
}

char *snag_text_sanitize(const char *text, char *out, size_t size)
{
    if (!size) return out;
    size_t used = 0;
    const unsigned char *bytes = (const unsigned char *)(text ? text : "");
    while (*bytes) {
        size_t length = displayable_sequence(bytes);
        if (length == 1 && (*bytes < 0x20 || *bytes == 0x7f)) length = 0;
        if (length) {
            if (used + length >= size) break;
            memcpy(out + used, bytes, length);
            used += length;
            bytes += length;
        } else {
            if (used + 4 >= size) break;
            snprintf(out + used, 5, "\\x%02x", *bytes);
            used += 4;
            bytes++;
        }
    }
    out[used] = '\0';
    return out;
}

/* Three significant digits in the largest unit that keeps the value under
 * 1000 after rounding: "812 ns", "3.40 us", "51.2 ms", "123 ms", "2.31 s". */
char *snag_text_duration(uint64_t ns, char *out, size_t size)
{
    static const char *const units[] = {"us", "ms", "s"};
    if (ns < 1000) {
        snprintf(out, size, "%llu ns", (unsigned long long)ns);
        return out;
    }
    double value = (double)ns / 1e3;
    size_t unit = 0;
    for (;;) {
        int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
        char text[32];
        snprintf(text, sizeof text, "%.*f", decimals, value);
        if (unit + 1 < sizeof units / sizeof units[0] && atof(text) >= 1000) {
            value /= 1e3;
            unit++;
            continue;
        }
        snprintf(out, size, "%s %s", text, units[unit]);
        return out;
    }
}
