# hostile: replaces the harness process with /bin/true via execv, so no result is ever written
# expect: failed
import os


def solve(arg):
    os.execv("/bin/true", ["true"])
