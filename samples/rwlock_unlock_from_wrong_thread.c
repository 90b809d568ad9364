/* rwlock_unlock_from_wrong_thread: a reader thread read-locks table_lock and main unlocks it for it: misuse/rwlock_unlock_not_held. */
/*
 * read_table takes table_lock for reading and returns with it held, the
 * caller meaning to "release the readers" later; main then unlocks it,
 * though main never locked it. glibc just drops a reader, so it seems to
 * work; POSIX leaves it undefined.
 *
 * usage: rwlock_unlock_from_wrong_thread
 */
#include <pthread.h>
#include <stdio.h>

#include "sample_args.h"

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int table[4] = {1, 2, 3, 4};

__attribute__((noinline)) static void *read_table(void *sum)
{
    pthread_rwlock_rdlock(&table_lock);
    for (int index = 0; index < 4; index++) *(int *)sum += table[index];
    return NULL; /* table_lock stays read-locked: main lets it go */
}

__attribute__((noinline)) static void release_readers(void) { pthread_rwlock_unlock(&table_lock); }

int main(int argc, char **argv)
{
    sample_parse_args(argc, argv, NULL, 0);
    int sum = 0;
    pthread_t reader;
    pthread_create(&reader, NULL, read_table, &sum);
    pthread_join(reader, NULL);
    release_readers();
    printf("sum %d\n", sum);
    return 0;
}
