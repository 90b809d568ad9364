/* The snag command: dispatches to its subcommands. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "snag/view.h"

#ifndef SNAG_VERSION
#define SNAG_VERSION "unknown"
#endif

static void usage(FILE *out)
{
    fprintf(out,
            "usage: snag COMMAND [ARGS...]\n"
            "\n"
            "snag records what the threads of a program do with their locks, condition\n"
            "variables, semaphores and barriers, without recompiling it, and explains it.\n"
            "\n"
            "commands:\n"
            "  run [-o TRACE] [--] PROGRAM [ARGS...]   run PROGRAM and record a trace\n"
            "  report [--json] [TRACE]                 explain a trace\n"
            "  export --format=chrome [-o FILE] [TRACE]\n"
            "                                          write a trace for Perfetto UI, chrome://tracing\n"
            "  view [TRACE]                            explore a trace in the terminal\n"
            "\n"
            "`snag COMMAND --help` tells more. Version %s.\n",
            SNAG_VERSION);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SNAG_EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "run") == 0) return snag_run_main(argc - 1, argv + 1);
    if (strcmp(command, "report") == 0) return snag_report_main(argc - 1, argv + 1);
    if (strcmp(command, "export") == 0) return snag_export_main(argc - 1, argv + 1);
    if (strcmp(command, "view") == 0) return snag_view_main(argc - 1, argv + 1);
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0 || strcmp(command, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(command, "--version") == 0) {
        printf("snag %s\n", SNAG_VERSION);
        return 0;
    }
    fprintf(stderr, "snag: unknown command '%s'\n", command);
    usage(stderr);
    return SNAG_EXIT_USAGE;
}
