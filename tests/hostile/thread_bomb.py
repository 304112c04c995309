# hostile: starts sleeping threads until the pids cgroup (threads are tasks) refuses more
# expect: failed
import threading
import time


def solve(arg):
    threads = []
    while True:
        t = threading.Thread(target=time.sleep, args=(60,), daemon=True)
        t.start()  # RuntimeError: can't start new thread, once pids.max is reached
        threads.append(t)
