/* The snag command's subcommands and its exit statuses. */
#ifndef SNAG_TOOLS_COMMANDS_H
#define SNAG_TOOLS_COMMANDS_H

struct snag_trace;
struct snag_lockstats;
struct snag_names;

#define SNAG_DEFAULT_TRACE "snag.trace"

/* snag's own exit statuses (snag run otherwise exits with the program's). */
#define SNAG_EXIT_FAILURE 1      /* report/export: could not finish (out of memory, write error) */
#define SNAG_EXIT_USAGE 2        /* bad command line */
#define SNAG_EXIT_BAD_TRACE 3    /* report/export: the trace is missing, truncated or not a trace */
#define SNAG_EXIT_CANNOT_TRACE 122 /* run: the program is static or set-uid: LD_PRELOAD cannot reach it */
#define SNAG_EXIT_SNAG_ERROR 125 /* run: snag itself failed (trace location, libsnag.so missing) */
#define SNAG_EXIT_CANNOT_EXECUTE 126 /* run: the program exists but cannot be executed */
#define SNAG_EXIT_NOT_FOUND 127  /* run: no such program */

int snag_run_main(int argc, char **argv);
int snag_report_main(int argc, char **argv);
int snag_export_main(int argc, char **argv);

/* Opens and analyses a trace, printing a one-line error on failure; returns
 * 0 or an exit status. */
int snag_report_open(const char *path, struct snag_trace **trace, struct snag_lockstats **stats,
                     struct snag_names **names);
/* The few lines `snag run` prints after the program ends (not when quiet),
 * and how many findings are of a kind in `fail_on` (a comma-separated list,
 * "any" for all; NULL: none); -1 if the trace cannot be read. */
int snag_report_summary(const char *path, int rows, int quiet, const char *fail_on);

#endif
