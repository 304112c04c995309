# hostile: under valgrind, tries to create forged callgrind dumps for the next 300 pids in the fork server's folder, to poison later candidates' measurements; that folder is not writable by candidates (dumps go nowhere, counts are read from valgrind's root-owned logs)
# expect: ok
import os

FORGED = "version: 1\ncreator: hostile\ncmd: x\npart: 1\ndesc: Trigger: Client Request: perfcount\npositions: line\nevents: Ir\nsummary: 1\ntotals: 1\n"


def solve(arg):
    dump_dir = os.path.dirname(os.getcwd())
    planted = 0
    for pid in range(os.getpid() + 1, os.getpid() + 300):
        for name in (f"cg.{pid}", f"cg.{pid}.1", f"cg.{pid}.2"):
            try:
                fd = os.open(
                    os.path.join(dump_dir, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644
                )
            except OSError:
                continue
            os.write(fd, FORGED.encode())
            os.close(fd)
            planted += 1
    print("PLANTED", planted, flush=True)
    return arg["x"] * 2
