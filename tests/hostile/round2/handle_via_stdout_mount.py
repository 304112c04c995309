# hostile: name_to_handle_at on the evaluator's sentinel file, then open_by_handle_at through the mount of its stdout descriptor (fd 1, opened by root) to write it; both calls are denied by seccomp
# expect: ok
import ctypes
import errno
import os


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    handle = ctypes.create_string_buffer(8 + 128)
    handle[0:4] = (128).to_bytes(4, "little")
    mount_id = ctypes.c_int()
    target = os.path.join(arg["sentinel"], "keep.txt").encode()
    out = {}
    rc = libc.syscall(303, -100, target, handle, ctypes.byref(mount_id), 0)
    out["name_to_handle_at"] = "ok" if rc == 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    for via in (1, 2, os.open("/", os.O_RDONLY)):
        fd = libc.syscall(304, via, handle, os.O_WRONLY | os.O_APPEND)
        if fd >= 0:
            os.write(fd, b"OWNED by open_by_handle_at\n")
            out[f"open_by_handle_at({via})"] = "WROTE"
        else:
            out[f"open_by_handle_at({via})"] = errno.errorcode.get(ctypes.get_errno(), "?")
    return out
