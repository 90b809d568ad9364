#!/bin/sh
# A Python threading script under snag run: two named threads increment a
# counter under one threading.Lock 20000 times each. The output is right,
# the interpreter's process shows up with the script in its argv, and the
# lock (a semaphore inside CPython up to 3.12, taken by
# PyThread_acquire_lock_timed) has at least the 40000 acquisitions of the
# script. (From 3.13 on, threading.Lock is a PyMutex that only touches a
# semaphore when contended: that count is then not checked.)
#
# A second, correct script nests locks the ways Python programs do (a
# queue.Queue between producer and consumers, an RLock taken twice under a
# Lock, Condition.wait loops, an Event, a ThreadPoolExecutor): no finding at
# all, lock_order_inversion included (Condition.wait takes its waiter lock
# under the condition's lock and the condition's lock back while holding the
# waiter: a cycle of one thread, which is not reported).
#
# /usr/bin/python3 (Debian's, as on CI) is used when it exists. If `python3`
# in PATH is something else (a pyenv shim: bash scripts that exec through
# several processes before the real interpreter), it is run too: the checks
# then pick the interpreter's image among the others.
. "$(dirname "$0")/lib.sh"

cat >snag_threads_check.py <<'PY'
import threading

counter = 0
lock = threading.Lock()


def add(times):
    global counter
    for _ in range(times):
        with lock:
            counter += 1


threads = [threading.Thread(target=add, args=(20000,), name="adder-%d" % n) for n in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("counter=%d threads=%s" % (counter, ",".join(thread.name for thread in threads)))
PY

cat >snag_threads_nesting.py <<'PY'
import queue
import threading
from concurrent.futures import ThreadPoolExecutor

jobs = queue.Queue(maxsize=4)
results = []
results_lock = threading.Lock()
stats_lock = threading.RLock()
stats = {"done": 0}
ready = threading.Event()
turn_changed = threading.Condition()
turn = [0]


def produce():
    for n in range(200):
        jobs.put(n)
    for _ in range(3):
        jobs.put(None)


def consume():
    ready.wait()
    while True:
        n = jobs.get()
        if n is None:
            break
        with results_lock:
            with stats_lock:
                with stats_lock:
                    stats["done"] += 1
            results.append(n * n)


def take_turns(me):
    for _ in range(50):
        with turn_changed:
            while turn[0] != me:
                turn_changed.wait()
            turn[0] = 1 - me
            turn_changed.notify_all()


threads = [threading.Thread(target=produce)] + [threading.Thread(target=consume) for _ in range(3)]
threads += [threading.Thread(target=take_turns, args=(me,)) for me in range(2)]
for thread in threads:
    thread.start()
ready.set()
for thread in threads:
    thread.join()
with ThreadPoolExecutor(max_workers=3) as pool:
    squares = list(pool.map(lambda x: x * x, range(100)))
print("results=%d done=%d squares=%d" % (len(results), stats["done"], sum(squares)))
PY

pythons=
[ -x /usr/bin/python3 ] && pythons=/usr/bin/python3
in_path=$(command -v python3 2>/dev/null) || in_path=
if [ -n "$in_path" ] && [ "$in_path" != /usr/bin/python3 ] &&
    [ "$(readlink -f "$in_path")" != "$(readlink -f /usr/bin/python3)" ]; then
    pythons="$pythons python3"
fi
[ -n "$pythons" ] || skip "no python3 (apt-get install python3)"

n=0
for python in $pythons; do
    n=$((n + 1))
    IT_RUN_TIMEOUT=120 snag_run "py$n.trace" "$python" "$IT_DIR/snag_threads_check.py"
    assert_run_status "snag run $python snag_threads_check.py" 0
    assert_eq "$python snag_threads_check.py: stdout under snag" "counter=40000 threads=adder-0,adder-1" "$(cat run.out)"
    report_json "py$n.trace" "py$n.json"
    assert_eq "findings on a correct python3 threading script" 0 "$(jqr "py$n.json" '.findings | length')"

    # The interpreter's image: the script in its argv, an executable named python*.
    pid=$(jqr "py$n.json" '[.processes[]
            | select((.argv | any(endswith("/snag_threads_check.py"))) and (.exe | split("/") | last | startswith("python")))]
            | if length == 1 then .[0].pid else "\(length) interpreter images" end') || exit 1
    case $pid in *[!0-9]* | '') fail "$python: expected one python process with snag_threads_check.py in its argv, found $pid; processes: $(jq -c '[.processes[] | {pid, argv, exe}]' "py$n.json" | head -c 3000)" ;; esac

    note "$python: interpreter pid $pid, $(jqr "py$n.json" '.processes | length') process images in the trace"

    IT_RUN_TIMEOUT=120 snag_run "nest$n.trace" "$python" "$IT_DIR/snag_threads_nesting.py"
    assert_run_status "snag run $python snag_threads_nesting.py" 0
    assert_eq "$python snag_threads_nesting.py: stdout under snag" "results=200 done=200 squares=328350" "$(cat run.out)"
    report_json "nest$n.trace" "nest$n.json"
    assert_eq "findings on a correct python3 script that nests locks" "[]" \
        "$(jqr "nest$n.json" '[.findings[] | .message] | tojson')"

    # From CPython 3.13 on, threading.Lock is a PyMutex: no semaphore unless contended.
    if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info < (3, 13) else 1)' 2>/dev/null; then
        note "$python is CPython 3.13 or later: threading.Lock is no semaphore there, its count is not checked"
        continue
    fi

    # threading.Lock: a sem with >= 40000 acquisitions, at PyThread_acquire_lock_timed or in libpython/python.
    found=$(jqr "py$n.json" '[.locks[] | select(.pid == ($pid | tonumber) and .type == "sem" and .acquisitions >= 40000)
            | select(any(.sites[]; .function == "PyThread_acquire_lock_timed" or ((.["module"] // "") | split("/") | last | test("python"))))]
            | length' --arg pid "$pid") || exit 1
    [ "$found" -ge 1 ] ||
        fail "$python: no sem with >= 40000 acquisitions at PyThread_acquire_lock_timed or in a python module in process $pid; sems: $(jq -c --arg pid "$pid" '[.locks[] | select(.pid == ($pid | tonumber) and .type == "sem" and .acquisitions >= 1000) | {acquisitions: .acquisitions, sites: [.sites[] | {function: .function, module: .["module"], acquisitions: .acquisitions}]}]' "py$n.json" | head -c 3000)"
done
