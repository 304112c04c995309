import sys


def count_subsets_with_sum(xs, target):
    sys.setrecursionlimit(10000)
    memo = {}

    def helper(index, total):
        if total == target:
            return 1
        if index >= len(xs) or total > target:
            return 0
        key = (index, total)
        if key not in memo:
            memo[key] = helper(index + 1, total + xs[index]) + helper(index + 1, total)
        return memo[key]

    return helper(0, 0)
