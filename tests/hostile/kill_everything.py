# hostile: kill(-1, SIGKILL): signals every process it may; with a uid of its own that is only itself and its children
# expect: crashed
import os
import signal


def solve(arg):
    os.kill(-1, signal.SIGKILL)  # everything this uid may signal, except itself
    os.kill(0, signal.SIGKILL)  # then its own process group
