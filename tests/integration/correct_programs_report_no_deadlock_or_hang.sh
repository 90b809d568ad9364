#!/bin/sh
# Correct programs never trip the deadlock detector or the hang monitor:
# condvar wait loops, semaphore pools, rwlocks, contended locks, Python's
# Condition (a lock the waiting thread took itself and another releases),
# queue.Queue, and pigz. --fail-on makes any such finding an exit status.
. "$(dirname "$0")/lib.sh"

runs=0
check()
{
    runs=$((runs + 1))
    with_timeout 120 "$SNAG" run -q --hang-timeout=2 --fail-on=deadlock,hang -o "trace$runs" -- "$@" >run.out 2>run.err
    RUN_STATUS=$?
    assert_run_status "$*" 0
    if grep -q 'DEADLOCK\|HANG' run.err; then fail "$*: $(cat run.err)"; fi
}

for sample in hot_lock striped_locks bounded_queue rwlock_cache sem_pool fork_with_atfork process_pool; do
    check "$SAMPLES/$sample"
done

cat >conditions.py <<'PY'
import queue, threading
items = queue.Queue(maxsize=4)
results = []
cond = threading.Condition()
def producer():
    for n in range(2000):
        items.put(n)
    items.put(None)
def consumer():
    while (n := items.get()) is not None:
        with cond:
            results.append(n)
            cond.notify_all()
threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
for t in threads: t.start()
with cond:
    cond.wait_for(lambda: len(results) == 2000, timeout=60)
for t in threads: t.join()
print(len(results))
PY
check python3 conditions.py
assert_eq "python output" 2000 "$(cat run.out)"

head -c 20000000 /dev/urandom >data
check pigz -p 2 -k -f data
check xz -T2 -k -f -1 data
