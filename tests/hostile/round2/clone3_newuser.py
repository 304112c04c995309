# hostile: calls clone3 directly (which seccomp cannot inspect: its flags live in memory) with CLONE_NEWUSER and with plain flags; the filter answers ENOSYS so libc falls back to clone, which it can inspect
# expect: ok
import ctypes
import errno
import os


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    out = {}
    for name, flags in (("CLONE_NEWUSER", 0x10000000), ("CLONE_NEWNS", 0x00020000), ("plain", 0)):
        args = (ctypes.c_uint64 * 11)()
        args[0] = flags
        args[4] = 17  # exit_signal = SIGCHLD
        ctypes.set_errno(0)
        pid = libc.syscall(435, ctypes.byref(args), ctypes.sizeof(args))
        if pid == 0:
            os._exit(0)
        if pid > 0:
            os.waitpid(pid, 0)
            out[name] = "ok"
        else:
            out[name] = errno.errorcode.get(ctypes.get_errno(), "?")
    return out
