# hostile: leaves files behind: 20000 small files and 16 MiB in TMPDIR, a mode-000 folder, tempfile.mkdtemp folders, files in /dev/shm, /tmp and /var/tmp; after the runner closes, host /tmp must hold nothing of it
# expect: ok
import os
import tempfile


def solve(arg):
    made = 0
    base = tempfile.mkdtemp(prefix="flood-")
    for i in range(20_000):
        try:
            with open(os.path.join(base, f"f{i}"), "w") as f:
                f.write("x")
            made += 1
        except OSError:
            break
    with open(os.path.join(tempfile.gettempdir(), "big"), "wb") as f:
        for _ in range(16):
            f.write(b"\0" * (1 << 20))
    os.mkdir("locked")
    open("locked/inside", "w").close()
    os.chmod("locked", 0)
    for where in ("/dev/shm", "/tmp", "/var/tmp"):
        try:
            with open(os.path.join(where, f"perfcount-flood-{os.getpid()}"), "wb") as f:
                f.write(b"y" * (1 << 20))
        except OSError:
            pass
    return arg["x"] * 2 if made == 20_000 else made
