# hostile: SIGKILLs its parent (the fork server's zygote); in a pid namespace of its own it cannot even name it (its parent is pid 0 to it), and as an unprivileged uid of its own it would not be allowed to
# expect: failed
import os
import signal


def solve(arg):
    parent = os.getppid()
    if parent == 0:
        raise ProcessLookupError("the parent is outside this pid namespace")
    os.kill(parent, signal.SIGKILL)
    return arg["x"] * 2
