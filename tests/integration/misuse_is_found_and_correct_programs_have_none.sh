#!/bin/sh
# Each misuse sample gives one misuse finding of its subkind, naming the
# thread that misused the lock, the lock and the call site; correct programs
# that use the same calls the right way have none: a recursive mutex taken
# twice, condvar wait loops, a semaphore posted by another thread, a mutex
# destroyed once free (a program built here), and the samples bounded_queue,
# sem_pool, rwlock_cache and hot_lock.
. "$(dirname "$0")/lib.sh"

# check SAMPLE SUBKIND ROLE FUNCTION LOCK: the one finding of SAMPLE, its
# first thread in ROLE, acting (or holding) in FUNCTION (a pattern).
check()
{
    snag_run_ok "$1.trace" "$SAMPLES/$1"
    report_json "$1.trace" "$1.json"
    assert_eq "$1: findings" "misuse/$2" "$(jqr "$1.json" '[.findings[] | "\(.kind)/\(.subkind)"] | join(",")')"
    assert_eq "$1: the lock" "$5" "$(jqr "$1.json" '.findings[0].locks[0].label')"
    assert_eq "$1: the first thread's role" "$3" "$(jqr "$1.json" '.findings[0].threads[0].role')"
    main=$(jqr "$1.json" '.processes[0].pid') || exit 1
    assert_eq "$1: the finding's process" "$main" "$(jqr "$1.json" '.findings[0].pid')"
    it_site=$(jqr "$1.json" '.findings[0].threads[0] | .acted_at // .held_at') || exit 1
    case $it_site in
    $4" ($1.c:"*) ;;
    *) fail "$1: the site is not in $4: $it_site" ;;
    esac
}

check unlock_from_wrong_thread unlock_not_held unlocker finish_job job_lock
assert_eq "unlock_from_wrong_thread: the holder is main, where it took the lock" \
    "holder $(jqr unlock_from_wrong_thread.json '.processes[0].pid') reserve_job" \
    "$(jqr unlock_from_wrong_thread.json '.findings[0].threads[1] | "\(.role) \(.tid) \(.held_at | split(" ")[0])"')"
check exit_holding_lock exit_holding_lock exiter load_config config_lock
assert_eq "exit_holding_lock: output" "config_lock: still locked" "$(cat run.out)"
check destroy_locked_mutex destroy_locked destroyer tear_down_cache cache_lock
assert_eq "destroy_locked_mutex: the holder, where it took the lock" "holder cache_user" \
    "$(jqr destroy_locked_mutex.json '.findings[0].threads[1] | "\(.role) \(.held_at | split(" ")[0])"')"
check cond_two_mutexes cond_two_mutexes second "wait_for_*" ready_cond
assert_eq "cond_two_mutexes: the two mutexes" "ready_cond,queue_lock,stats_lock" \
    "$(jqr cond_two_mutexes.json '[.findings[0].locks[].label] | .[0:1] + (.[1:] | sort) | join(",")')"
check sem_destroyed_while_waited destroy_sem_with_waiters destroyer shut_down work_ready
assert_eq "sem_destroyed_while_waited: the waiter, where it waits" "waiter worker" \
    "$(jqr sem_destroyed_while_waited.json '.findings[0].threads[1] | "\(.role) \(.waits_at | split(" ")[0])"')"
check rwlock_unlock_from_wrong_thread rwlock_unlock_not_held unlocker release_readers table_lock
assert_eq "rwlock_unlock_from_wrong_thread: the reader holding it" "holder read_table" \
    "$(jqr rwlock_unlock_from_wrong_thread.json '.findings[0].threads[1] | "\(.role) \(.held_at | split(" ")[0])"')"
check cancelled_holding_lock cancelled_holding_lock exiter do_work work_lock
assert_eq "cancelled_holding_lock: output" "work_lock: still locked" "$(cat run.out)"

cat >correct.c <<'C'
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t recursive_lock;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static sem_t done;
static int items;

static void *producer(void *unused)
{
    (void)unused;
    for (int n = 0; n < 100; n++) {
        pthread_mutex_lock(&recursive_lock);
        pthread_mutex_lock(&recursive_lock);
        pthread_mutex_unlock(&recursive_lock);
        pthread_mutex_unlock(&recursive_lock);
        pthread_mutex_lock(&queue_lock);
        items++;
        pthread_cond_signal(&queue_changed);
        pthread_mutex_unlock(&queue_lock);
    }
    sem_post(&done);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&recursive_lock, &attributes);
    sem_init(&done, 0, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, producer, NULL);
    pthread_mutex_lock(&queue_lock);
    while (items < 100) pthread_cond_wait(&queue_changed, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
    sem_wait(&done);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&queue_changed);
    pthread_mutex_destroy(&queue_lock);
    pthread_mutex_destroy(&recursive_lock);
    sem_destroy(&done);
    printf("items=%d\n", items);
    return 0;
}
C
"$CC_BIN" -g -pthread -o correct correct.c >cc.log 2>&1 || fail "cannot build correct.c: $(head -c 1000 cc.log)"
snag_run_ok correct.trace ./correct
assert_eq "correct: output" "items=100" "$(cat run.out)"
report_json correct.trace correct.json
assert_eq "findings on a correct program" "[]" "$(jqr correct.json '[.findings[].message] | tojson')"
for sample in bounded_queue sem_pool rwlock_cache hot_lock; do
    snag_run_ok "$sample.trace" "$SAMPLES/$sample"
    report_json "$sample.trace" "$sample.json"
    assert_eq "findings on $sample" "[]" "$(jqr "$sample.json" '[.findings[].message] | tojson')"
done
