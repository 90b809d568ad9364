/* bench_gentext: writes BYTES bytes of deterministic, compressible pseudo-text
 * (the input of the pigz benchmark). The same BYTES always give the same
 * file: words drawn from a fixed list by a fixed-seed xorshift generator,
 * skewed towards the first words as in real text, with punctuation and line
 * breaks; gzip shrinks it to roughly a third.
 *
 * usage: bench_gentext BYTES OUTPUT */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const words[] = {
    "the",     "of",       "and",      "to",      "a",         "in",        "is",       "that",
    "for",     "it",       "as",       "was",     "with",      "be",        "by",       "on",
    "not",     "he",       "this",     "are",     "or",        "his",       "from",     "at",
    "which",   "but",      "have",     "an",      "had",       "they",      "you",      "were",
    "their",   "one",      "all",      "we",      "can",       "her",       "has",      "there",
    "been",    "if",       "more",     "when",    "will",      "would",     "who",      "so",
    "lock",    "mutex",    "thread",   "waits",   "holds",     "release",   "acquire",  "condition",
    "signal",  "queue",    "worker",   "buffer",  "contention", "latency",  "trace",    "record",
    "process", "memory",   "kernel",   "futex",   "scheduler", "priority",  "deadline", "barrier",
    "reader",  "writer",   "owner",    "counter", "sample",    "program",   "library",  "function",
    "river",   "mountain", "window",   "garden",  "morning",   "evening",   "silence",  "journey",
    "letter",  "question", "history",  "number",  "picture",   "language",  "machine",  "village",
};

static uint64_t state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

int main(int argc, char **argv)
{
    char *end;
    unsigned long long bytes = argc == 3 ? strtoull(argv[1], &end, 10) : 0;
    if (argc != 3 || *end || bytes == 0) {
        fprintf(stderr, "usage: bench_gentext BYTES OUTPUT\n");
        return 2;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        fprintf(stderr, "bench_gentext: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    const size_t word_count = sizeof words / sizeof words[0];
    static char buffer[1 << 16];
    size_t used = 0, column = 0;
    unsigned long long written = 0;
    int sentence_start = 1;
    while (written < bytes) {
        uint64_t random = next_random();
        /* min of two draws: common words come up more often */
        size_t first = (size_t)(random % word_count), second = (size_t)((random >> 20) % word_count);
        const char *word = words[first < second ? first : second];
        char piece[32];
        int length = snprintf(piece, sizeof piece, "%s%s", column ? " " : "", word);
        if (sentence_start) {
            char *letter = piece + (column ? 1 : 0);
            if (*letter >= 'a' && *letter <= 'z') *letter = (char)(*letter - 'a' + 'A');
            sentence_start = 0;
        }
        unsigned punctuation = (unsigned)((random >> 40) % 16);
        if (punctuation == 0) {
            piece[length++] = '.';
            sentence_start = 1;
        } else if (punctuation == 1) {
            piece[length++] = ',';
        }
        column += (size_t)length;
        if (column > 72) {
            piece[length++] = '\n';
            column = 0;
        }
        if (used + (size_t)length > sizeof buffer) {
            if (fwrite(buffer, 1, used, out) != used) break;
            used = 0;
        }
        memcpy(buffer + used, piece, (size_t)length);
        used += (size_t)length;
        written += (unsigned long long)length;
    }
    /* exactly BYTES: cut the last piece short */
    size_t excess = (size_t)(written - bytes);
    used -= excess;
    if (fwrite(buffer, 1, used, out) != used || fclose(out) != 0) {
        fprintf(stderr, "bench_gentext: writing %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    return 0;
}
