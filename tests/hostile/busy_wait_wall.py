# hostile: spins on time.time() for ten minutes
# expect: timeout
import time


def solve(arg):
    end = time.time() + 600
    while time.time() < end:
        pass
