def count_coprime_pairs(xs):
    # pairs with gcd 1 = sum over d of mu(d) * C(#multiples of d in xs, 2)
    if not xs:
        return 0
    top = max(xs)
    freq = [0] * (top + 1)
    for x in xs:
        freq[x] += 1
    mu = [1] * (top + 1)
    is_composite = [False] * (top + 1)
    for p in range(2, top + 1):
        if not is_composite[p]:
            for m in range(p, top + 1, p):
                if m > p:
                    is_composite[m] = True
                mu[m] = -mu[m]
            for m in range(p * p, top + 1, p * p):
                mu[m] = 0
    total = 0
    for d in range(1, top + 1):
        if mu[d]:
            c = 0
            for m in range(d, top + 1, d):
                c += freq[m]
            total += mu[d] * c * (c - 1) // 2
    return total
