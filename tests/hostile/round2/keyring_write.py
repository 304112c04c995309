# hostile: stores a secret in the kernel keyrings (user, user-session, session, process) with add_key, for a later candidate under another uid to read; the keyring calls are denied by seccomp
# expect: ok
import ctypes
import errno


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    out = {}
    secret = arg["secret"].encode()
    for name, ring in (("user", -4), ("user-session", -5), ("session", -3), ("process", -2)):
        ctypes.set_errno(0)
        rc = libc.syscall(248, b"user", b"perfcount-r2-channel", secret, len(secret), ring)
        out[name] = "ok" if rc >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    return out
