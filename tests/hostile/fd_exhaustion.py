# hostile: opens files until RLIMIT_NOFILE is reached and keeps them open, then answers correctly
# expect: ok
import os


def solve(arg):
    held = []
    try:
        while True:
            held.append(os.open(os.devnull, os.O_RDONLY))
    except OSError:
        pass
    return arg["x"] * 2
