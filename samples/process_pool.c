/* process_pool: a parent forks worker processes that share a job queue through a process-shared mutex and semaphore. */
/*
 * The queue lives in a MAP_SHARED mapping made before the forks, so every
 * worker sees the same queue_lock (a PTHREAD_PROCESS_SHARED mutex) and the
 * same jobs_ready semaphore. Workers take jobs until the queue is empty and
 * add each job's result under the lock; the parent waits for all of them.
 *
 * usage: process_pool [workers [jobs]]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sample_args.h"

struct job_queue {
    pthread_mutex_t queue_lock; /* process-shared */
    sem_t jobs_ready;           /* process-shared: one token per job */
    long next_job;              /* protected by queue_lock */
    long total_jobs;
    long results;               /* protected by queue_lock */
};

__attribute__((noinline)) static long run_job(long job)
{
    volatile long value = job;
    for (int step = 0; step < 200000; step++) value = value * 3 % 1000003;
    return job;
}

__attribute__((noinline)) static void worker_process(struct job_queue *queue)
{
    while (sem_trywait(&queue->jobs_ready) == 0) {
        pthread_mutex_lock(&queue->queue_lock);
        long job = queue->next_job++;
        pthread_mutex_unlock(&queue->queue_lock);
        long result = run_job(job);
        pthread_mutex_lock(&queue->queue_lock);
        queue->results += result;
        pthread_mutex_unlock(&queue->queue_lock);
    }
}

int main(int argc, char **argv)
{
    long workers, jobs;
    const struct sample_arg args[] = {
        {"workers", 1, 64, 3, NULL, &workers},
        {"jobs", 0, 1000000, 60, NULL, &jobs},
    };
    sample_parse_args(argc, argv, args, SAMPLE_ARGS_COUNT(args));

    struct job_queue *queue = mmap(NULL, sizeof *queue, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (queue == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&queue->queue_lock, &attributes);
    pthread_mutexattr_destroy(&attributes);
    sem_init(&queue->jobs_ready, 1, (unsigned)jobs);
    queue->total_jobs = jobs;

    for (long worker = 0; worker < workers; worker++) {
        pid_t child = fork();
        if (child < 0) {
            perror("fork");
            return 1;
        }
        if (child == 0) {
            worker_process(queue);
            _exit(0);
        }
    }
    int failed = 0, status;
    for (long worker = 0; worker < workers; worker++)
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    long expected = jobs * (jobs - 1) / 2;
    printf("jobs=%ld results=%ld\n", queue->next_job, queue->results);
    return failed || queue->results != expected || queue->next_job != jobs;
}
