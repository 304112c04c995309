import sys
from functools import lru_cache


def knapsack_max_value(weights, values, capacity):
    sys.setrecursionlimit(max(10000, 4 * len(weights) + 100))
    n = len(weights)

    @lru_cache(maxsize=None)
    def best(i, room):
        if i == n:
            return 0
        result = best(i + 1, room)
        if weights[i] <= room:
            result = max(result, values[i] + best(i + 1, room - weights[i]))
        return result

    return best(0, capacity)
