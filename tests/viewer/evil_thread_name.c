/* evil_thread_name: a thread that names itself with a terminal escape
 * sequence ("\033[31mevil"), takes a lock a few times and ends. The viewer
 * must show the name as text, never pass the escape to the terminal. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t evil_lock = PTHREAD_MUTEX_INITIALIZER;

static void *evil_worker(void *unused)
{
    (void)unused;
    pthread_setname_np(pthread_self(), "\033[31mevil");
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&evil_lock);
        pthread_mutex_unlock(&evil_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, evil_worker, NULL) != 0) return 1;
    pthread_join(thread, NULL);
    puts("named");
    return 0;
}
