# hostile: kill(-1, SIGKILL): signals every process it may; with a uid and a pid namespace of its own that is none (ESRCH), then its own process group
# expect: crashed
import os
import signal


def solve(arg):
    try:
        os.kill(-1, signal.SIGKILL)  # everything this uid may signal, except itself
    except ProcessLookupError:  # nothing: its pid namespace holds only itself and its pid 1
        pass
    os.kill(0, signal.SIGKILL)  # then its own process group
