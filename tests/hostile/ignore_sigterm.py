# hostile: ignores SIGTERM and sleeps; the timeout's SIGKILL after the grace period ends it
# expect: timeout
import signal
import time


def solve(arg):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        time.sleep(0.05)
