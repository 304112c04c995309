def count_pairs_with_difference(xs, k):
    total = 0
    for i, x in enumerate(xs):
        rest = xs[i + 1 :]
        total += rest.count(x + k)
        if k:
            total += rest.count(x - k)
    return total
