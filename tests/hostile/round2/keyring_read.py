# hostile: looks for a key a previous candidate stored (request_key, keyctl search/read on every keyring, /proc/keys) and returns what it found
# expect: ok
import ctypes
import errno


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    found = {}
    ctypes.set_errno(0)
    key = libc.syscall(249, b"user", b"perfcount-r2-channel", None, 0)
    found["request_key"] = key if key >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    for ring in (-4, -5, -3, -2):
        ctypes.set_errno(0)
        k = libc.syscall(250, 10, ring, b"user", b"perfcount-r2-channel", 0)  # KEYCTL_SEARCH
        if k >= 0:
            buf = ctypes.create_string_buffer(256)
            n = libc.syscall(250, 11, k, buf, 256)  # KEYCTL_READ
            found[str(ring)] = buf.raw[: max(n, 0)].decode("latin-1")
        else:
            found[str(ring)] = errno.errorcode.get(ctypes.get_errno(), "?")
    for proc in ("/proc/keys", "/proc/key-users"):
        try:
            with open(proc) as f:
                found[proc] = f.read()
        except OSError as exc:
            found[proc] = f"refused: {exc.strerror}"
    return found
