#!/bin/sh
# The other samples exported, each slice count matching `snag report`:
# bounded_queue (a hold per acquisition and per re-lock inside a condition
# wait, a wait per completed condition wait), rwlock_cache (read and write
# holds), sem_pool (semaphore waits, no holds, a wake-up arrow from a post
# to each wait; condvar waits get theirs from signals) and striped_locks
# (no contention, no waits, no arrows), fork_while_locked (its fork hazard
# as an instant on the thread that forked; none for its pthread_atfork
# twin), lock_order_inversion (its finding with the report's message,
# threads and locks). Arrows: one per contended hold that follows a release of its lock
# by another thread, never more than the report's contended acquisitions.
here=$(cd "$(dirname "$0")" && pwd) || exit 1
. "$here/../integration/lib.sh"
. "$here/export_lib.sh"

# export_sample NAME [ARGS...]: runs, reports, exports and checks it into NAME.*
export_sample()
{
    it_sample=$1
    shift
    snag_run_ok "$it_sample.trace" "$SAMPLES/$it_sample" "$@"
    report_json "$it_sample.trace" "$it_sample.report.json"
    export_chrome "$it_sample.trace" "$it_sample.json"
    check_export "$it_sample.json" "$(jqr "$it_sample.report.json" .duration_ns)" "$it_sample.summary.json"
    assert_eq "$it_sample: thread tracks" \
        "$(jqr "$it_sample.report.json" '[.processes[] | .pid as $p | .threads[] | "\($p):\(.tid)"] | sort | join(",")')" \
        "$(jqr "$it_sample.summary.json" '[.threads[] | "\(.pid):\(.tid)"] | sort | join(",")')"
    assert_eq "$it_sample: process names" "$(jqr "$it_sample.report.json" '[.processes[] | "\(.pid):\(.argv[0])"] | join(",")')" \
        "$(jqr "$it_sample.summary.json" '[.processes[] | "\(.pid):\(.name)"] | join(",")')"
    assert_eq "$it_sample: process ends" "$(jqr "$it_sample.report.json" '[.processes[] | .exit | if .status then "exit \(.status)" elif .signal then "killed by signal \(.signal)" else "?" end] | join(",")')" \
        "$(jqr "$it_sample.summary.json" '[.exits[] | sub(" [(].*"; "")] | join(",")')"
    assert_eq "$it_sample: findings (kind: subkind, severity, lock, pid, time)" \
        "$(jqr "$it_sample.report.json" '[.findings[] | "\(.kind): \(.subkind) \(.severity) \(.locks[0]["label"]) \(.pid) \(.time_ns)"] | sort | join(",")')" \
        "$(jqr "$it_sample.summary.json" '[.findings[] | "\(.name) \(.args.severity) \(.args.locks[0].label) \(.pid) \(.ts)"] | sort | join(",")')"
}

# figure SAMPLE LABEL FIELD: the report's FIELD of the lock labelled LABEL.
figure()
{
    lock_field "$1.report.json" "$2" "$3"
}

# check_arrows SAMPLE LABEL
check_arrows()
{
    it_flows=$(count "$1.summary.json" flows "$2")
    assert_eq "$1: arrows to $2 vs its contended holds with an earlier release by another thread" \
        "$(count "$1.summary.json" expected_flows "$2")" "$it_flows"
    assert_int -le "$1: arrows to $2 vs its contended acquisitions" "$it_flows" "$(figure "$1" "$2" contended)"
}

export_sample bounded_queue 5000
acquisitions=$(figure bounded_queue queue_lock acquisitions) || exit 1
relocks=$(figure bounded_queue queue_lock reacquisitions) || exit 1
assert_eq "bounded_queue: queue_lock holds (acquisitions + re-locks)" $((acquisitions + relocks)) \
    "$(count bounded_queue.summary.json holds queue_lock)"
assert_eq "bounded_queue: queue_lock re-locks" "$relocks" "$(count bounded_queue.summary.json relocks queue_lock)"
assert_eq "bounded_queue: queue_lock waits" "$(figure bounded_queue queue_lock contended)" \
    "$(count bounded_queue.summary.json waits queue_lock)"
assert_eq "bounded_queue: contended queue_lock holds" "$(figure bounded_queue queue_lock contended)" \
    "$(count bounded_queue.summary.json contended_holds queue_lock)"
check_arrows bounded_queue queue_lock
for cond in not_empty not_full; do
    assert_eq "bounded_queue: $cond waits" "$(figure bounded_queue $cond acquisitions)" \
        "$(count bounded_queue.summary.json waits $cond)"
    assert_eq "bounded_queue: $cond holds" 0 "$(count bounded_queue.summary.json holds $cond)"
    # a wake-up arrow to a wait from the signal that ended it (none to a spurious wake-up)
    assert_int -le "bounded_queue: $cond wake-up arrows vs waits" \
        "$(count bounded_queue.summary.json wake_flows $cond)" "$(count bounded_queue.summary.json waits $cond)"
    if [ "$(count bounded_queue.summary.json waits $cond)" -gt 0 ]; then
        assert_int -gt "bounded_queue: $cond wake-up arrows" "$(count bounded_queue.summary.json wake_flows $cond)" 0
    fi
done

export_sample rwlock_cache
shared=$(figure rwlock_cache cache_lock shared_acquisitions) || exit 1
acquisitions=$(figure rwlock_cache cache_lock acquisitions) || exit 1
assert_eq "rwlock_cache: cache_lock read holds" "$shared" "$(count rwlock_cache.summary.json read_holds cache_lock)"
assert_eq "rwlock_cache: cache_lock write holds" $((acquisitions - shared)) \
    "$(count rwlock_cache.summary.json write_holds cache_lock)"
assert_eq "rwlock_cache: cache_lock holds" "$acquisitions" "$(count rwlock_cache.summary.json holds cache_lock)"
assert_eq "rwlock_cache: cache_lock waits" "$(figure rwlock_cache cache_lock contended)" \
    "$(count rwlock_cache.summary.json waits cache_lock)"
check_arrows rwlock_cache cache_lock

export_sample sem_pool
assert_eq "sem_pool: slots waits" "$(figure sem_pool slots contended)" "$(count sem_pool.summary.json waits slots)"
assert_eq "sem_pool: slots holds (semaphores have none)" 0 "$(count sem_pool.summary.json holds slots)"
assert_eq "sem_pool: no handoff arrows (semaphores have no holds)" 0 "$(jqr sem_pool.summary.json '.flows | length')"
assert_eq "sem_pool: a wake-up arrow from a post to every wait" "$(count sem_pool.summary.json waits slots)" \
    "$(count sem_pool.summary.json wake_flows slots)"

export_sample striped_locks
jqr striped_locks.report.json '.locks[] | select(.type == "mutex") | .["label"]' >stripes.txt
assert_eq "striped_locks: mutexes (one stripe per worker)" 2 "$(wc -l <stripes.txt | tr -d ' ')"
while IFS= read -r stripe; do
    assert_eq "striped_locks: $stripe holds" "$(figure striped_locks "$stripe" acquisitions)" \
        "$(count striped_locks.summary.json holds "$stripe")"
    assert_eq "striped_locks: $stripe waits" "$(figure striped_locks "$stripe" contended)" \
        "$(count striped_locks.summary.json waits "$stripe")"
    check_arrows striped_locks "$stripe"
done <stripes.txt

export_sample fork_while_locked
assert_eq "fork_while_locked: findings" 1 "$(jqr fork_while_locked.summary.json '.findings | length')"
assert_eq "fork_while_locked: the finding, on the thread that forked" \
    "fork_hazard: lock_held_at_fork high log_lock $(jqr fork_while_locked.report.json '.findings[0].threads[] | select(.role == "forker") | .tid')" \
    "$(jqr fork_while_locked.summary.json '.findings[0] | "\(.name) \(.args.severity) \(.args.locks[0].label) \(.tid)"')"
assert_eq "fork_while_locked: the finding's message, as the report's" \
    "$(jqr fork_while_locked.report.json '.findings[0].message')" \
    "$(jqr fork_while_locked.summary.json '.findings[0].args.message')"
export_sample fork_with_atfork
assert_eq "fork_with_atfork: findings" 0 "$(jqr fork_with_atfork.summary.json '.findings | length')"
export_sample lock_order_inversion
assert_eq "lock_order_inversion: the finding, with the report's message, threads and locks" \
    "$(jqr lock_order_inversion.report.json '.findings[0] | "\(.kind): \(.subkind) \(.message) \([.threads[] | "\(.tid)/\(.role)"]) \([.locks[].label])"')" \
    "$(jqr lock_order_inversion.summary.json '.findings[0] | "\(.name) \(.args.message) \([.args.threads[] | "\(.tid)/\(.role)"]) \([.args.locks[].label])"')"
