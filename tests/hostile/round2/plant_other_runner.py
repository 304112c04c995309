# hostile: cross-runner; while another Runner's valgrind server measures a victim, plants read-only and writable forged valgrind logs (regular files, FIFOs, symlinks to /dev/zero) for the next pids in that server's folder (its path is handed over, the strongest case) and in every /tmp/perfcount-run-* folder it can list; the victim's status and exact count must not change
# expect: ok
import glob
import os
import time

FORGED = b"==1== Collected : 1\n==1== Events    : Ir\n"


def plant(folder, pid):
    made = 0
    for name in (f"valgrind.{pid}.log", f"cg.{pid}"):
        path = os.path.join(folder, name)
        for how in ("file", "fifo", "link"):
            try:
                if how == "file":
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
                    os.write(fd, FORGED)
                    os.close(fd)
                elif how == "fifo":
                    os.mkfifo(path + ".f")
                else:
                    os.symlink("/dev/zero", path + ".l")
                made += 1
            except OSError:
                pass
    return made


def solve(arg):
    folders = [arg["victim_dir"], os.path.dirname(arg["victim_dir"])]
    folders += glob.glob("/tmp/perfcount-run-*") + glob.glob("/tmp/perfcount-run-*/*")
    made = 0
    end = time.monotonic() + arg.get("seconds", 1.0)
    while time.monotonic() < end:
        for folder in folders:
            for pid in range(arg["victim_server"], arg["victim_server"] + 40):
                made += plant(folder, pid)
    return {"planted": made}
