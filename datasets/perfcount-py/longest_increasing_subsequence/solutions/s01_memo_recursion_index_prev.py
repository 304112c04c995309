import sys
from functools import lru_cache


def longest_increasing_subsequence(xs):
    sys.setrecursionlimit(max(10000, 4 * len(xs) + 100))
    n = len(xs)

    @lru_cache(maxsize=None)
    def best(i, prev):
        # longest increasing subsequence of xs[i:] whose elements exceed xs[prev]
        if i == n:
            return 0
        skip = best(i + 1, prev)
        if prev == -1 or xs[i] > xs[prev]:
            return max(skip, 1 + best(i + 1, i))
        return skip

    return best(0, -1)
