# hostile: replaces sys.stdout with an object whose flush() raises KeyboardInterrupt (not an OSError) while the harness finishes; the child may die with its answer half sent
# expect: ok | failed | crashed
import sys


class Raising:
    def write(self, s):
        return len(s)

    def flush(self):
        raise KeyboardInterrupt("from flush")


def solve(arg):
    sys.stdout = sys.stderr = Raising()
    return arg["x"] * 2
