# hostile: sys.setrecursionlimit(10**7), then recursion through a C builtin (map) until the C stack overflows (SIGSEGV)
# expect: crashed
import sys


def solve(arg):
    sys.setrecursionlimit(10**7)

    def down(n):
        return list(map(down, [n + 1]))

    return down(0)
