import sys
from functools import lru_cache


def stair_climb_ways_mod(n, m):
    sys.setrecursionlimit(max(10000, 2 * n + 100))

    @lru_cache(maxsize=None)
    def ways(k):
        if k < 0:
            return 0
        if k == 0:
            return 1
        return (ways(k - 1) + ways(k - 2) + ways(k - 3)) % m

    # fill the cache bottom-up in chunks so the recursion stays shallow
    for k in range(0, n, 500):
        ways(k)
    return ways(n) % m
