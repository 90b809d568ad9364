/* sample_args: the command line every sample shares -- optional positional counts, -h/--help, usage. */
/*
 * A sample describes its positional arguments in a table, in order, each
 * with the variable it goes to:
 *
 *     long threads, iterations;
 *     const struct sample_arg args[] = {
 *         {"threads", 1, MAX_THREADS, DEFAULT_THREADS, NULL, &threads},
 *         {"iterations", 0, MAX_ITERATIONS, DEFAULT_ITERATIONS, "per thread", &iterations},
 *     };
 *     sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));
 *
 * and every variable then holds its argument, or its default when the
 * argument is not given.
 * "-h" or "--help" as the first argument prints the usage to stdout and
 * exits 0; more arguments than the table has, or one that is not a plain
 * decimal number in [min, max], prints the usage to stderr and exits 2.
 * The usage reads, for the table above:
 *
 *     usage: PROG [threads [iterations]]
 *       threads     1..MAX (default DEFAULT)
 *       iterations  0..MAX per thread (default DEFAULT)
 */
#ifndef SAMPLE_ARGS_H
#define SAMPLE_ARGS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One optional positional argument: a plain decimal number in [min, max]. */
struct sample_arg {
    const char *name;
    long min;
    long max;
    long default_value;
    const char *note; /* shown after the range in the usage ("per thread"), or NULL */
    long *value;      /* where the parsed value (or the default) goes */
};

#define SAMPLE_ARGS_COUNT(specs) ((int)(sizeof(specs) / sizeof((specs)[0])))

/* Parses a plain decimal number in [min, max]; returns 0 on success. */
static inline int sample_parse_count(const char *text, long min, long max, long *out)
{
    if (text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    char *end;
    long value = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

/* "usage: PROG [a [b]]", then one line per argument, names in one column. */
static inline void sample_usage(FILE *out, const char *prog, const struct sample_arg *specs, int count)
{
    int width = 0;
    for (int i = 0; i < count; i++) {
        int length = (int)strlen(specs[i].name);
        if (length > width)
            width = length;
    }
    width += 2;

    fprintf(out, "usage: %s ", prog);
    for (int i = 0; i < count; i++)
        fprintf(out, "%s[%s", i > 0 ? " " : "", specs[i].name);
    for (int i = 0; i < count; i++)
        fputc(']', out);
    fputc('\n', out);
    for (int i = 0; i < count; i++) {
        const struct sample_arg *spec = &specs[i];
        fprintf(out, "  %-*s%ld..%ld%s%s (default %ld)\n", width, spec->name, spec->min, spec->max,
                spec->note != NULL ? " " : "", spec->note != NULL ? spec->note : "",
                spec->default_value);
    }
}

/* Sets *specs[i].value from argv[i + 1], or to its default when argc is
 * too small; exits 0 after --help, 2 on a bad or extra argument (see the top). */
static inline void sample_parse_args(int argc, char **argv, const struct sample_arg *specs, int count)
{
    for (int i = 0; i < count; i++)
        *specs[i].value = specs[i].default_value;
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        sample_usage(stdout, argv[0], specs, count);
        exit(0);
    }
    int bad = argc - 1 > count;
    for (int i = 1; !bad && i < argc; i++)
        bad = sample_parse_count(argv[i], specs[i - 1].min, specs[i - 1].max, specs[i - 1].value) != 0;
    if (bad) {
        sample_usage(stderr, argv[0], specs, count);
        exit(2);
    }
}

#endif
