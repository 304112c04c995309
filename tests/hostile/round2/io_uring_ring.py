# hostile: sets up a real io_uring (valid io_uring_params, 8 entries) to read and write files outside the syscall filter's view, and tries io_uring_enter/io_uring_register on guessed descriptors
# expect: ok
import ctypes
import errno


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    params = ctypes.create_string_buffer(120)
    out = {}
    ctypes.set_errno(0)
    fd = libc.syscall(425, 8, params)
    out["io_uring_setup"] = "RING" if fd >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    for fd_guess in (3, 4, 5):
        ctypes.set_errno(0)
        rc = libc.syscall(426, fd_guess, 1, 0, 0, None, 0)
        out[f"io_uring_enter({fd_guess})"] = (
            errno.errorcode.get(ctypes.get_errno(), "?") if rc < 0 else "ok"
        )
        ctypes.set_errno(0)
        rc = libc.syscall(427, fd_guess, 0, None, 0)
        out[f"io_uring_register({fd_guess})"] = (
            errno.errorcode.get(ctypes.get_errno(), "?") if rc < 0 else "ok"
        )
    return out
