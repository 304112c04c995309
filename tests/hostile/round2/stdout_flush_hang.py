# hostile: replaces sys.stdout with an object whose flush() never returns; the harness flushes stdout after encoding the result, so the child hangs after its answer; the wall-clock timeout ends it
# expect: timeout | ok | failed
# timeout: 1.5
import sys
import time


class Stuck:
    def write(self, s):
        return len(s)

    def flush(self):
        time.sleep(3600)


def solve(arg):
    sys.stdout = sys.stderr = Stuck()
    return arg["x"] * 2
