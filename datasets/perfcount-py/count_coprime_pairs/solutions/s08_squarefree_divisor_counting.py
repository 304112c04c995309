def count_coprime_pairs(xs):
    # For each x, its squarefree divisors d carry sign mu(d); counting how many
    # earlier elements each d divides gives the coprime count by inclusion-exclusion.
    def distinct_primes(x):
        primes = []
        d = 2
        while d * d <= x:
            if x % d == 0:
                primes.append(d)
                while x % d == 0:
                    x //= d
            d += 1
        if x > 1:
            primes.append(x)
        return primes

    seen_with = {}
    total = 0
    for index, x in enumerate(xs):
        signed = [(1, 1)]
        for p in distinct_primes(x):
            signed += [(d * p, -s) for d, s in signed]
        total += sum(s * seen_with.get(d, 0) for d, s in signed)
        for d, _ in signed:
            seen_with[d] = seen_with.get(d, 0) + 1
    return total
