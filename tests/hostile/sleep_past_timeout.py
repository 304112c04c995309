# hostile: sleeps far past the wall-clock limit
# expect: timeout
import time


def solve(arg):
    time.sleep(600)
