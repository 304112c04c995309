# hostile: tries to create, overwrite and append files in the sentinel folder, the evaluator's cwd, /tmp and its parent folder; every attempt must fail (read-only mounts, other uid), and it reports success only if all failed
# expect: ok
import os


def solve(arg):
    targets = [
        os.path.join(arg["sentinel"], "keep.txt"),
        os.path.join(arg["sentinel"], "new.txt"),
        os.path.join(arg["cwd"], "evil.txt"),
        "/tmp/perfcount-hostile-was-here",
        os.path.join(os.path.dirname(os.getcwd()), "escaped.txt"),
    ]
    written = []
    for path in targets:
        for mode in ("w", "a"):
            try:
                with open(path, mode) as f:
                    f.write("pwned")
                written.append(path)
            except OSError:
                pass
    if written:
        raise AssertionError(f"wrote outside the work folder: {written}")
    # its own folder is writable
    with open("scratch.txt", "w") as f:
        f.write("fine")
    return arg["x"] * 2
