# hostile: walks /tmp, /var/tmp, /var, /dev, /run, /sys/fs/cgroup and the evaluator's folders (three levels deep) and tries to create a file in every directory; only its own work folder and its private /dev/shm may take one
# expect: ok
import os


def solve(arg):
    wrote = []
    roots = [
        "/tmp",
        "/var/tmp",
        "/var",
        "/dev",
        "/run",
        "/sys/fs/cgroup",
        "/root",
        "/home",
        arg["sentinel"],
        arg["cwd"],
        os.path.dirname(os.getcwd()),
    ]
    seen = set()
    for root in roots:
        for dirpath, dirnames, _ in os.walk(root):
            if dirpath.count("/") - root.count("/") >= 2:
                dirnames[:] = []
            if dirpath in seen or dirpath.startswith("/proc"):
                continue
            seen.add(dirpath)
            path = os.path.join(dirpath, f".hostile-{os.getpid()}")
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except OSError:
                continue
            os.write(fd, b"x" * 4096)
            os.close(fd)
            wrote.append(dirpath)
    here = os.getcwd()
    return sorted(d for d in wrote if not d.startswith(here) and not d.startswith("/dev/shm"))
