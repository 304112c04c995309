# hostile: five forked children and the parent each hold 250 MiB (each under its own RLIMIT_AS), so the tree exceeds the memory cgroup (memory_mb + headroom) and the OOM killer ends one of them
# expect: memory
# timeout: 15 (the kernel reclaims for a while before the cgroup OOM kill)
import os
import time


def solve(arg):
    kids = []
    for _ in range(5):
        pid = os.fork()
        if pid == 0:
            block = bytearray(250 << 20)  # zero-filled: every page is touched
            time.sleep(0.5)
            os._exit(len(block) & 1)
        kids.append(pid)
    mine = bytearray(250 << 20)
    for pid in kids:
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            raise MemoryError(f"child {pid} was killed by signal {os.WTERMSIG(status)}")
    return len(mine)
