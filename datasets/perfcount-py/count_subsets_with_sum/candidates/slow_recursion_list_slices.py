from functools import cache


def count_subsets_with_sum(xs, target):
    @cache
    def solve(items, goal):
        if goal == 0:
            return 1
        if goal < 0 or not items:
            return 0
        rest = list(items)[1:]
        return solve(tuple(rest), goal - items[0]) + solve(tuple(rest), goal)

    return solve(tuple(xs), target)
