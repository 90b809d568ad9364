/* Text from a trace is untrusted: thread names, argv and paths are shown
 * only through these, which never pass a control character to a terminal. */
#ifndef SNAG_TEXT_H
#define SNAG_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence that starts `text` (1 for ASCII), or 0
 * if it is not one: a bad lead or continuation byte, an overlong form, a
 * surrogate, a code point past U+10FFFF. */
size_t snag_text_utf8_length(const char *text);

/* Copies `text` into out (always NUL-terminated), writing control
 * characters and bytes that are not valid UTF-8 as \xHH. Returns out. */
char *snag_text_sanitize(const char *text, char *out, size_t size);

/* Three significant digits: "812 ns", "3.40 us", "51.2 ms", "123 ms", "2.31 s". */
char *snag_text_duration(uint64_t ns, char *out, size_t size);

#endif
