# hostile: a SysV message queue and shared-memory segment under a fixed key as a channel between candidates (mode "write" stores a secret, "read" looks for it); each candidate has an IPC namespace of its own
# expect: ok
import ctypes
import errno


def solve(arg):
    libc = ctypes.CDLL(None, use_errno=True)
    key = 0x50435232
    out = {}
    flags = 0o1666 if arg["mode"] == "write" else 0o666  # IPC_CREAT on write
    qid = libc.msgget(key, flags)
    out["msgget"] = "ok" if qid >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    buf = ctypes.create_string_buffer(8 + 128)
    if qid >= 0 and arg["mode"] == "write":
        buf[0:8] = (1).to_bytes(8, "little")
        data = arg["secret"].encode()[:120]
        buf[8 : 8 + len(data)] = data
        out["msgsnd"] = libc.msgsnd(qid, buf, len(data), 0)
    elif qid >= 0:
        n = libc.msgrcv(qid, buf, 128, 0, 0o4000)  # IPC_NOWAIT
        out["msgrcv"] = buf.raw[8 : 8 + max(n, 0)].decode("latin-1")
    shm = libc.shmget(key, 4096, flags)
    out["shmget"] = "ok" if shm >= 0 else errno.errorcode.get(ctypes.get_errno(), "?")
    return out
