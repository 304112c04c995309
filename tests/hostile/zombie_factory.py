# hostile: forks 20 children that exit at once and never reaps them, then answers correctly
# expect: ok
import os


def solve(arg):
    for _ in range(20):
        if os.fork() == 0:
            os._exit(0)
    return arg["x"] * 2
