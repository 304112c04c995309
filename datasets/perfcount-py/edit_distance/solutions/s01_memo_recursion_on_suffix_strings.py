import sys
from functools import lru_cache


def edit_distance(a, b):
    sys.setrecursionlimit(max(10000, 4 * (len(a) + len(b)) + 100))

    @lru_cache(maxsize=None)
    def dist(s, t):
        if not s:
            return len(t)
        if not t:
            return len(s)
        if s[0] == t[0]:
            return dist(s[1:], t[1:])
        return 1 + min(dist(s[1:], t), dist(s, t[1:]), dist(s[1:], t[1:]))

    return dist(a, b)
