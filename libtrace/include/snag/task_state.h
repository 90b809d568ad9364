/* Is a thread asleep in the kernel? Read from /proc/PID/task/TID/stat, for
 * the shim's deadlock detector (deadlock.c) and snag run's hang monitor
 * (hang_monitor.c): a thread whose published wait has ended in the kernel
 * but not yet in its wait slot is runnable ('R'), a stopped process is
 * 'T' or 't', a thread in a page fault or I/O 'D': none of them is blocked
 * for good. No allocation, no stdio: safe inside the shim. */
#ifndef SNAG_TASK_STATE_H
#define SNAG_TASK_STATE_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* 1 if thread `tid` of process `pid` (0: this process) is in state 'S';
 * 0 otherwise, or if it cannot be read. */
static inline int snag_task_asleep(int pid, int tid)
{
    char path[96], text[512];
    if (pid) snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    else snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    if (got <= 0) return 0;
    text[got] = '\0';
    /* "TID (COMM) STATE ...": COMM may hold ')' and spaces, so the last one */
    const char *close_paren = strrchr(text, ')');
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'S';
}

#endif
