# hostile: reads /etc/shadow, /etc/gshadow and root's home and returns them; a candidate uid without CAP_DAC_READ_SEARCH gets EACCES
# expect: ok
import os


def solve(arg):
    out = {}
    for path in ("/etc/shadow", "/etc/gshadow", "/root/.bash_history", "/root/.ssh/id_rsa"):
        try:
            with open(path, "rb") as f:
                out[path] = f.read(65536).decode("latin-1")
        except OSError as exc:
            out[path] = f"refused: {exc.strerror}"
    try:
        out["/root"] = sorted(os.listdir("/root"))
    except OSError as exc:
        out["/root"] = f"refused: {exc.strerror}"
    return out
