import sys
from functools import lru_cache


def count_subsets_with_sum(xs, target):
    sys.setrecursionlimit(max(10000, 4 * len(xs) + 100))
    n = len(xs)

    @lru_cache(maxsize=None)
    def count(i, remaining):
        if remaining == 0:
            return 1
        if i == n or remaining < 0:
            return 0
        return count(i + 1, remaining - xs[i]) + count(i + 1, remaining)

    return count(0, target)
