def count_subsets_with_sum(xs, target):
    ways = [1] + [0] * target
    for x in xs:
        if x <= target:
            ways = ways[:x] + [a + b for a, b in zip(ways[x:], ways)]
    return ways[target]
