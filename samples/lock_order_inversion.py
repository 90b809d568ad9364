# lock_order_inversion.py: two Python threads take two threading.Locks in opposite orders, one after the other: no deadlock here, but a lock_order_inversion.
import threading

inventory_lock = threading.Lock()
orders_lock = threading.Lock()
stock = {"widgets": 10}
orders = []


def place_order():
    with orders_lock:
        with inventory_lock:
            stock["widgets"] -= 1
            orders.append("widget")


def restock():
    with inventory_lock:
        with orders_lock:
            stock["widgets"] += len(orders)
            orders.clear()


for work in (place_order, restock):
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
print("widgets", stock["widgets"])
