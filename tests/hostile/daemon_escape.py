# hostile: double-forks a setsid() daemon that outlives the call, prints its name (a process name it gives itself: its pid is one of its own pid namespace) and answers correctly; leaving it behind fails the candidate, and the cgroup kill must end the daemon
# expect: failed
import ctypes
import os
import time


def solve(arg):
    name = "pcd" + os.urandom(4).hex()
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME
            os.write(w, b"up")
            os.close(w)
            for _ in range(600):
                time.sleep(0.1)
            os._exit(0)
        os._exit(0)
    os.close(w)
    os.read(r, 2)
    os.wait()
    print("DAEMON", name, flush=True)
    return arg["x"] * 2
