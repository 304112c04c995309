def count_pairs_with_difference(xs, k):
    """One pass: each element pairs with the earlier ones equal to x - k or x + k."""
    seen = {}
    total = 0
    for x in xs:
        total += seen.get(x - k, 0)
        if k:
            total += seen.get(x + k, 0)
        seen[x] = seen.get(x, 0) + 1
    return total
