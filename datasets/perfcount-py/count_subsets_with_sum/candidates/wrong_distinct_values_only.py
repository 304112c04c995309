def count_subsets_with_sum(xs, target):
    # Deduplicates the input first, so repeated values are not counted separately.
    ways = [1] + [0] * target
    for x in set(xs):
        for s in range(target, x - 1, -1):
            ways[s] += ways[s - x]
    return ways[target]
