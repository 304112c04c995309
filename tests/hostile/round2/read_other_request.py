# hostile: cross-runner; while another Runner measures a victim, reads that server's request file (it holds the victim's source) and every request.json under /tmp/perfcount-run-*, and returns what it read
# expect: ok
import glob
import os
import time


def solve(arg):
    got = []
    paths = [os.path.join(arg["victim_dir"], "request.json")]
    paths += glob.glob("/tmp/perfcount-run-*/*/request.json")
    paths.append(os.path.join(os.path.dirname(os.getcwd()), "request.json"))
    end = time.monotonic() + arg.get("seconds", 1.0)
    while time.monotonic() < end:
        for path in paths:
            try:
                with open(path, "rb") as f:
                    got.append(f.read().decode("latin-1"))
            except OSError:
                pass
        if got:
            break
    return got[-3:]
