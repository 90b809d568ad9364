/* A process's threads, from /proc, for the shim's deadlock detector
 * (deadlock.c) and snag run's hang monitor (hang_monitor.c): how many it
 * has, and whether one is asleep in the kernel. A thread whose published
 * wait has ended in the kernel but not yet in its wait slot is runnable
 * ('R'), a stopped process is 'T' or 't', a thread in a page fault or I/O
 * 'D': none of them is blocked for good. No allocation, no locks: safe
 * inside the shim. Includers define _GNU_SOURCE (struct dirent64). */
#ifndef SNAG_TASK_STATE_H
#define SNAG_TASK_STATE_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Threads of process `pid` (0: this process), or -1 if /proc cannot say.
 * Raw getdents64: opendir would allocate. */
static inline int snag_task_count(int pid)
{
    char path[64];
    if (pid) snprintf(path, sizeof path, "/proc/%d/task", pid);
    else snprintf(path, sizeof path, "/proc/self/task");
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    char buffer[2048] __attribute__((aligned(8)));
    int count = 0;
    for (;;) {
        long got = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (got <= 0) break;
        for (long offset = 0; offset < got;) {
            const struct dirent64 *entry = (const struct dirent64 *)(buffer + offset);
            if (entry->d_name[0] != '.') count++;
            offset += entry->d_reclen;
        }
    }
    close(fd);
    return count;
}

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
