import sys


def longest_increasing_subsequence(xs):
    sys.setrecursionlimit(100000)
    memo = {}

    def go(i, last):
        key = (i, last)
        if key in memo:
            return memo[key]
        if i == len(xs):
            return 0
        result = go(i + 1, last)
        if last is None or xs[i] > last:
            result = max(result, 1 + go(i + 1, xs[i]))
        memo[key] = result
        return result

    return go(0, None)
