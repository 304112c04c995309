# hostile: tells live pids from free ones outside its own processes: kill(pid, 0), getpgid and getsid on the evaluator, the same over a window of pids around it (the fork servers, other candidates), and pidfd_open; in a pid namespace of its own every outside pid is free (ESRCH)
# expect: ok
import ctypes
import errno
import os


def probe(call, pid):
    try:
        call(pid)
        return "alive-mine"
    except PermissionError:
        return "alive"
    except ProcessLookupError:
        return "free"


def kill0(pid):
    os.kill(pid, 0)


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    ctypes.set_errno(0)
    fd = libc.syscall(434, arg["evaluator"], 0)  # pidfd_open
    pidfd = "PIDFD" if fd >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    ev = arg["evaluator"]
    calls = {"kill": kill0, "getpgid": os.getpgid, "getsid": os.getsid}
    seen = {name: probe(call, ev) for name, call in calls.items()}
    # the low numbers are the candidate's own namespace (its pid 1, itself, its threads)
    window = range(max(10, ev - 1000), ev + 1000)
    alive = [p for p in window if p != os.getpid() and probe(kill0, p) != "free"]
    # its own namespace: earlier candidates of its fork server had pids there
    mine = [p for p in range(2, 5000) if p != os.getpid() and probe(kill0, p) != "free"]
    return {
        "evaluator": seen,
        "pidfd_open": pidfd,
        "alive_near_evaluator": len(alive),
        "alive_in_namespace": mine,
    }
