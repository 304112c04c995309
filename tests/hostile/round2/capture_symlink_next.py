# hostile: plants symlinks to the evaluator's sentinel under the names the fork server gives the next candidates' stdout captures and work folders (out<id>, w<id>), so that root would open or truncate the sentinel; the server's folder is not writable by candidates
# expect: ok
import os


def solve(arg):
    here = os.path.basename(os.getcwd())  # w<12-digit id>
    folder = os.path.dirname(os.getcwd())
    rid = int(here[1:])
    target = os.path.join(arg["sentinel"], "keep.txt")
    planted = []
    for k in range(1, 40):
        for name in (f"out{rid + k:012d}", f"w{rid + k:012d}", "request.json"):
            try:
                os.symlink(target, os.path.join(folder, name))
                planted.append(name)
            except OSError:
                pass
    # and its own capture: replace the file root opened for it
    try:
        os.rename(os.path.join(folder, f"out{rid:012d}"), os.path.join(folder, "moved"))
        planted.append("renamed own capture")
    except OSError:
        pass
    return planted
