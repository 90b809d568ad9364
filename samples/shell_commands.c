/* shell_commands: runs shell commands through system() and popen(), as programs that shell out do. */
/*
 * glibc starts these shells with its internal posix_spawn and reaps them
 * with its internal waitpid: snag sees them through its system, popen and
 * pclose wrappers. The program runs `exit 3` with system(), reads a line
 * from `echo` through popen(), then runs a command that kills its own
 * shell with SIGKILL, and prints what each returned.
 *
 * usage: shell_commands
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sample_args.h"

static void print_status(const char *what, int status)
{
    if (status == -1) printf("%s: failed\n", what);
    else if (WIFEXITED(status)) printf("%s: exit %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) printf("%s: signal %d\n", what, WTERMSIG(status));
}

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    print_status("system exit 3", system("exit 3"));

    FILE *pipe = popen("echo hello from popen", "r");
    if (!pipe) {
        perror("popen");
        return 1;
    }
    char line[128] = "";
    if (!fgets(line, sizeof line, pipe)) line[0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    printf("popen read: %s\n", line);
    print_status("pclose", pclose(pipe));

    print_status("system kill -9", system("kill -9 $$"));
    return 0;
}
