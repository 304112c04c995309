import sys


def stair_climb_ways_mod(n, m):
    sys.setrecursionlimit(max(1000, n + 100))

    def ways(k):
        if k < 0:
            return 0
        if k == 0:
            return 1
        return ways(k - 1) + ways(k - 2) + ways(k - 3)

    return ways(n) % m
