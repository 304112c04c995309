# hostile: SIGKILLs its parent (the fork server's zygote); as an unprivileged uid of its own it is not allowed to
# expect: failed
import os
import signal


def solve(arg):
    os.kill(os.getppid(), signal.SIGKILL)
    return arg["x"] * 2
