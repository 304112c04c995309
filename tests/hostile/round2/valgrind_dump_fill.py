# hostile: under valgrind, writes 256 MiB of callgrind-dump-looking data into the fork server's folder (where dumps once went), /tmp, /var/tmp and its own folder; the server's folder and /tmp take nothing, its own folder is a bounded tmpfs: the host disk must not grow
# expect: output_too_large | ok
import os

CHUNK = b"fl=(1) x.py\nfn=(1) f\n0 1\n" * 40_000


def solve(arg):
    written = 0
    for where in (os.path.dirname(os.getcwd()), "/tmp", "/var/tmp", os.getcwd()):
        try:
            fd = os.open(
                os.path.join(where, f"callgrind.out.{os.getpid()}"), os.O_WRONLY | os.O_CREAT, 0o644
            )
        except OSError:
            continue
        try:
            while written < (256 << 20):
                written += os.write(fd, CHUNK)
        finally:
            os.close(fd)
    return written
