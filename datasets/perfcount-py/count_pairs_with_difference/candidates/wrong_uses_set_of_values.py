def count_pairs_with_difference(xs, k):
    # Bug: a set forgets duplicates, so repeated values are under-counted.
    values = set(xs)
    if k == 0:
        return 0
    return sum(1 for v in values if v + k in values)
