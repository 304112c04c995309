import sys
from functools import lru_cache


def count_subsets_with_sum(xs, target):
    sys.setrecursionlimit(max(10000, 4 * len(xs) + 100))
    items = sorted(xs, reverse=True)
    suffix = [0] * (len(items) + 1)
    for i in range(len(items) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + items[i]

    @lru_cache(maxsize=None)
    def count(i, remaining):
        if remaining == 0:
            return 1
        if remaining > suffix[i]:  # also covers i == len(items)
            return 0
        result = count(i + 1, remaining)
        if items[i] <= remaining:
            result += count(i + 1, remaining - items[i])
        return result

    return count(0, target)
