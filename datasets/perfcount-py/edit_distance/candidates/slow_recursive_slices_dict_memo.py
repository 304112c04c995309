import sys


def edit_distance(a, b):
    sys.setrecursionlimit(100000)
    cache = {}

    def solve(x, y):
        if (x, y) in cache:
            return cache[(x, y)]
        if x == "" or y == "":
            result = len(x) + len(y)
        elif x[-1] == y[-1]:
            result = solve(x[:-1], y[:-1])
        else:
            result = 1 + min(solve(x[:-1], y), solve(x, y[:-1]), solve(x[:-1], y[:-1]))
        cache[(x, y)] = result
        return result

    return solve(a, b)
