def kth_smallest(xs, k):
    rest = list(xs)
    for _ in range(k - 1):
        rest.remove(min(rest))
    return min(rest)
