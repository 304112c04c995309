# hostile: stops itself with SIGSTOP (SIGTERM is not delivered to a stopped process)
# expect: timeout
import os
import signal


def solve(arg):
    os.kill(os.getpid(), signal.SIGSTOP)
    return arg["x"] * 2
