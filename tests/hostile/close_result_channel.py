# hostile: closes every file descriptor above stderr, the evaluator's result pipe included, then answers correctly
# expect: failed
import os


def solve(arg):
    os.closerange(3, 65536)
    return arg["x"] * 2
