# hostile: returns its whole environment and the environments it can read under /proc (its own, its parent's, pid 1's), looking for the evaluator's API keys; the fork server passes an allowlist only and /proc hides other users' processes
# expect: ok
import os


def solve(arg):
    seen = {"environ": dict(os.environ)}
    for pid in ("self", str(os.getppid()), "1", str(arg["evaluator"])):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                seen[pid] = f.read().decode("latin-1")
        except OSError as exc:
            seen[pid] = f"refused: {exc.strerror}"
    return seen
