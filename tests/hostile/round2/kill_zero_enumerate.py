# hostile: enumerates hidden processes with kill(pid, 0) and pidfd_open: the evaluator, the fork servers and a pid range around them answer EPERM (alive) or ESRCH (free); in a pid namespace of its own every outside pid is ESRCH
# expect: ok
import ctypes
import errno
import os


def probe(pid):
    try:
        os.kill(pid, 0)
        return "alive-mine"
    except PermissionError:
        return "alive"
    except ProcessLookupError:
        return "free"


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    ctypes.set_errno(0)
    fd = libc.syscall(434, arg["evaluator"], 0)  # pidfd_open
    pidfd = "PIDFD" if fd >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    me = os.getpid()
    alive = [p for p in range(max(2, me - 2000), me) if probe(p) != "free"]
    return {"evaluator": probe(arg["evaluator"]), "pidfd_open": pidfd, "alive_below_me": len(alive)}
