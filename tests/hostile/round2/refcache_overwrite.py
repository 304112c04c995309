# hostile: rewrites the reference-cost cache (its folder is handed over): overwrite, truncate, rename over, unlink and symlink-swap every entry and the key, and plant a new entry; the cache belongs to root (0700), the filesystem is read-only
# expect: ok
import os


def solve(arg):
    cache = arg["cache"]
    done = []
    try:
        names = os.listdir(cache)
    except OSError:
        names = ["hmac.key", "refs.json"]
    for name in [*names, "planted.json"]:
        path = os.path.join(cache, name)
        for how in ("write", "trunc", "unlink", "rename", "symlink"):
            try:
                if how == "write":
                    with open(path, "a") as f:
                        f.write('{"cost": 1}')
                elif how == "trunc":
                    os.truncate(path, 0)
                elif how == "unlink":
                    os.unlink(path)
                elif how == "rename":
                    os.rename(path, path + ".old")
                else:
                    os.symlink("/dev/null", path + ".tmp")
                    os.replace(path + ".tmp", path)
                done.append(f"{how} {name}")
            except OSError:
                pass
    return done
