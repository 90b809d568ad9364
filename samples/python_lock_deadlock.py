"""python_lock_deadlock: two Python threads take two threading.Locks in opposite order and deadlock (run it under snag)."""
# threading.Lock is a POSIX semaphore initialised to 1 inside CPython, so
# snag sees each acquire as sem_wait and each release as sem_post. Both
# threads take their first lock, meet at a barrier so that the deadlock
# happens every run, then each waits for the lock the other holds. Natively
# the script hangs; under `snag run` the deadlock is reported once every
# thread (the main thread joining included) is blocked, and the script ends
# with status 120.
import threading

inventory_lock = threading.Lock()
orders_lock = threading.Lock()
both_hold_one = threading.Barrier(2)


def restock():
    with inventory_lock:
        both_hold_one.wait()
        with orders_lock:
            pass


def ship():
    with orders_lock:
        both_hold_one.wait()
        with inventory_lock:
            pass


workers = [threading.Thread(target=restock, name="restock"), threading.Thread(target=ship, name="ship")]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print("done")
