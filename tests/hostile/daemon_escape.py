# hostile: double-forks a setsid() daemon that outlives the call, prints its pid and answers correctly; leaving it behind fails the candidate, and the cgroup kill must end the daemon
# expect: failed
import os
import time


def solve(arg):
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.write(w, str(os.getpid()).encode())
            os.close(w)
            for _ in range(600):
                time.sleep(0.1)
            os._exit(0)
        os._exit(0)
    os.close(w)
    daemon = int(os.read(r, 32))
    os.wait()
    print("DAEMON", daemon, flush=True)
    return arg["x"] * 2
