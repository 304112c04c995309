# hostile: KNOWN LIMITATION (SECURITY.md): writes a forged 'ok' result with a tiny cost into every pipe it holds and exits; the harness shares its process, so the forgery is accepted for this candidate only -- it still cannot touch other candidates, the evaluator or the filesystem
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
