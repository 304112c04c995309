import sys


def knapsack_max_value(weights, values, capacity):
    sys.setrecursionlimit(100000)
    cache = {}

    def go(i, room):
        if i == len(weights):
            return 0
        if (i, room) in cache:
            return cache[(i, room)]
        best = go(i + 1, room)
        if weights[i] <= room:
            best = max(best, values[i] + go(i + 1, room - weights[i]))
        cache[(i, room)] = best
        return best

    return go(0, capacity)
