# hostile: under valgrind, creates 5000 files each in its work folder and in /dev/shm and tries the server's folder, so the next candidate's setup or count slows down or changes; the next candidate's status and exact instruction count must be unchanged
# expect: ok
import os


def solve(arg):
    made = 0
    for where in (os.getcwd(), "/dev/shm", os.path.dirname(os.getcwd())):
        for i in range(5_000):
            try:
                os.close(os.open(os.path.join(where, f"m{i}"), os.O_CREAT | os.O_WRONLY, 0o644))
                made += 1
            except OSError:
                break
    return arg["x"] * 2 if made >= 5_000 else made
