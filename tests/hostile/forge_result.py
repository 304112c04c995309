# hostile: writes a forged 'ok' result with a tiny cost into every pipe it holds and exits; the count is taken by the fork server from outside the candidate's process, so the forged cost is ignored (its outputs are its own, and are checked like any outputs)
# expect: ok
import json
import os
import stat


def solve(arg):
    forged = json.dumps(
        {
            "status": "ok",
            "outputs": [arg["x"] * 2],
            "regions": [
                {"values": {"task-clock": 1}, "scaled": [], "not_counted": [], "overhead": {}}
            ],
            "wall_ns": [1],
        }
    ).encode()
    for fd in range(3, 256):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                os.write(fd, forged)
        except OSError:
            pass
    os._exit(0)
