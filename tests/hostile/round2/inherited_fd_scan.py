# hostile: reads every descriptor it inherited (0..1023) from the start, and lists where they point, looking for files the evaluator had open (a secret file, the results file, the runner's pipes)
# expect: ok
import os


def solve(arg):
    out = {}
    for fd in range(1024):
        try:
            where = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        try:
            data = os.pread(fd, 4096, 0).decode("latin-1")
        except OSError as exc:
            data = f"unreadable: {exc.strerror}"
        out[str(fd)] = [where, data]
    return out
