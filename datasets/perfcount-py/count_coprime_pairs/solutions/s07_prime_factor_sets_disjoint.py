def count_coprime_pairs(xs):
    def prime_factors(x):
        factors = set()
        d = 2
        while d * d <= x:
            while x % d == 0:
                factors.add(d)
                x //= d
            d += 1
        if x > 1:
            factors.add(x)
        return frozenset(factors)

    sets = [prime_factors(x) for x in xs]
    count = 0
    for i in range(len(sets)):
        for j in range(i + 1, len(sets)):
            if sets[i].isdisjoint(sets[j]):
                count += 1
    return count
