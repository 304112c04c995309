# hostile: reads files outside its folder: /etc/hostname and the evaluator's sentinel (reading is allowed, SECURITY.md); returns what it read, which the evaluator only compares as plain data
# expect: failed
import os


def solve(arg):
    out = []
    for path in ("/etc/hostname", os.path.join(arg["sentinel"], "keep.txt")):
        try:
            with open(path) as f:
                out.append(f.read())
        except OSError as exc:
            out.append(f"refused: {exc.strerror}")
    return out
