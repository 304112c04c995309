# hostile: tries to move itself to the root pids cgroup, unshare new namespaces, remount / read-write and setuid(0); all must fail
# expect: ok
import ctypes
import os


def solve(arg):
    succeeded = []
    try:
        with open("/sys/fs/cgroup/pids/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
        succeeded.append("cgroup")
    except OSError:
        pass
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x00020000 | 0x40000000) == 0:
        succeeded.append("unshare")
    if libc.mount(None, b"/", None, 32 | 4096, None) == 0:  # MS_REMOUNT | MS_BIND, rw
        succeeded.append("remount")
    try:
        os.setuid(0)
        succeeded.append("setuid")
    except OSError:
        pass
    if succeeded:
        raise AssertionError(f"escaped: {succeeded}")
    return arg["x"] * 2
