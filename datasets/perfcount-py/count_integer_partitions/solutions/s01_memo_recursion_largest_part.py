import sys
from functools import lru_cache


def count_integer_partitions(n):
    sys.setrecursionlimit(max(10000, 4 * n + 100))

    @lru_cache(maxsize=None)
    def p(total, largest):
        # partitions of total into parts no bigger than largest
        if total == 0:
            return 1
        if largest == 0:
            return 0
        if largest > total:
            return p(total, total)
        return p(total - largest, largest) + p(total, largest - 1)

    return p(n, n)
