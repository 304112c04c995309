# hostile: forks without end (every child forks too); the pids cgroup caps the tree, the timeout ends it and the cgroup kill reaps every process
# expect: timeout
import os
import time


def solve(arg):
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(0.01)
