def count_subsets_with_sum(xs, target):
    memo = {}

    def count(items, remaining):
        if remaining == 0:
            return 1
        if not items or remaining < 0:
            return 0
        key = (items, remaining)
        if key not in memo:
            memo[key] = count(items[1:], remaining - items[0]) + count(items[1:], remaining)
        return memo[key]

    return count(tuple(xs), target)
