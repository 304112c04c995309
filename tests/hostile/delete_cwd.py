# hostile: tries to delete the evaluator's cwd and the sentinel folder (shutil.rmtree, unlink, rename); all must fail
# expect: ok
import os
import shutil


def solve(arg):
    damage = []
    for folder in (arg["cwd"], arg["sentinel"]):
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            for attempt in (os.unlink, lambda p: os.rename(p, p + ".moved")):
                try:
                    attempt(path)
                    damage.append(path)
                except OSError:
                    pass
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.isdir(folder):
            damage.append(folder)
    if damage:
        raise AssertionError(f"deleted: {damage}")
    return arg["x"] * 2
