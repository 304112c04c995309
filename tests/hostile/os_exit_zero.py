# hostile: calls os._exit(0) before the harness can report
# expect: failed
import os


def solve(arg):
    os._exit(0)
