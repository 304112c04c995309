def count_subsets_with_sum(xs, target):
    ways = [1] + [0] * target
    for x in xs:
        for s in range(target, x - 1, -1):
            ways[s] += ways[s - x]
    return ways[target]
