def kth_smallest(xs, k):
    # Bug: drops duplicates, so repeated values are counted once.
    return sorted(set(xs))[k - 1]
