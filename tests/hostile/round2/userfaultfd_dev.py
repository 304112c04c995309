# hostile: gets a userfaultfd through /dev/userfaultfd (USERFAULTFD_IOC_NEW), which the syscall filter does not see, and through the syscall with UFFD_USER_MODE_ONLY
# expect: ok
import ctypes
import errno
import os


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    out = {}
    try:
        fd = os.open("/dev/userfaultfd", os.O_RDWR | os.O_CLOEXEC)
        ctypes.set_errno(0)
        uffd = libc.ioctl(
            fd, 0xAA00, 0x80000 | 1
        )  # USERFAULTFD_IOC_NEW(O_CLOEXEC | USER_MODE_ONLY)
        out["/dev/userfaultfd"] = (
            "UFFD" if uffd >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
        )
    except OSError as exc:
        out["/dev/userfaultfd"] = errno.errorcode.get(exc.errno, "?")
    ctypes.set_errno(0)
    rc = libc.syscall(323, 0x80000 | 1)
    out["userfaultfd(USER_MODE_ONLY)"] = (
        "UFFD" if rc >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    )
    return out
