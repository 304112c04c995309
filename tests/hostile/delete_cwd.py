# hostile: tries to delete the evaluator's cwd and the sentinel folder (shutil.rmtree, unlink, rename); all must fail (listing them may fail too: without a capability the candidate's uid cannot read the evaluator's private folders)
# expect: ok
import os
import shutil


def solve(arg):
    damage = []
    for folder in (arg["cwd"], arg["sentinel"]):
        try:
            names = os.listdir(folder)
        except PermissionError:
            names = []
        for name in names:
            path = os.path.join(folder, name)
            for attempt in (os.unlink, lambda p: os.rename(p, p + ".moved")):
                try:
                    attempt(path)
                    damage.append(path)
                except OSError:
                    pass
        shutil.rmtree(folder, ignore_errors=True)
        try:
            os.stat(folder)
        except FileNotFoundError:
            damage.append(folder)
        except OSError:
            pass  # not even visible to this uid
    if damage:
        raise AssertionError(f"deleted: {damage}")
    return arg["x"] * 2
