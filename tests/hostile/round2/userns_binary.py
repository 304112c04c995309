# hostile: gets a user namespace (all capabilities inside) by running the unshare(1) program and by unshare(CLONE_NEWUSER) in a forked child: the seccomp filter is inherited across fork and exec
# expect: ok
import ctypes
import errno
import os
import subprocess


def solve(arg):
    out = {}
    try:
        p = subprocess.run(["unshare", "-Ur", "id", "-u"], capture_output=True, timeout=10)
        out["unshare -Ur"] = [p.returncode, p.stdout.decode().strip()]
    except (OSError, subprocess.SubprocessError) as exc:
        out["unshare -Ur"] = str(exc)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        rc = libc.unshare(0x10000000)
        os.write(w, b"ok" if rc == 0 else errno.errorcode.get(ctypes.get_errno(), "?").encode())
        os._exit(0)
    os.close(w)
    out["child unshare"] = os.read(r, 64).decode()
    os.waitpid(pid, 0)
    return out
