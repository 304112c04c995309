# hostile: dup2()s /dev/null over every descriptor above stderr, so the harness would write its result nowhere
# expect: failed
import contextlib
import os


def solve(arg):
    null = os.open(os.devnull, os.O_WRONLY)
    for fd in range(3, 256):
        if fd != null:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    return arg["x"] * 2
