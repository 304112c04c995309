import bisect


def count_pairs_with_difference(xs, k):
    a = sorted(xs)
    total = 0
    for i, x in enumerate(a):
        lo = bisect.bisect_left(a, x + k, i + 1)
        hi = bisect.bisect_right(a, x + k, i + 1)
        total += hi - lo
    return total
