def first_unique(xs):
    pairs = sorted((x, i) for i, x in enumerate(xs))
    best = None
    n = len(pairs)
    for k in range(n):
        value, index = pairs[k]
        if (k > 0 and pairs[k - 1][0] == value) or (k + 1 < n and pairs[k + 1][0] == value):
            continue
        if best is None or index < best:
            best = index
    return None if best is None else xs[best]
