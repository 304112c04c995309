def count_pairs_with_difference(xs, k):
    total = 0
    for v in set(xs):
        c = xs.count(v)
        if k == 0:
            total += c * (c - 1) // 2
        elif v + k in xs:
            total += c * xs.count(v + k)
    return total
