def count_coprime_pairs(xs):
    if len(xs) < 2:
        return 0
    limit = max(xs)
    present = [0] * (limit + 1)
    for x in xs:
        present[x] += 1
    mobius = [1] * (limit + 1)
    sieve = [True] * (limit + 1)
    for p in range(2, limit + 1):
        if sieve[p]:
            for k in range(p, limit + 1, p):
                sieve[k] = k == p
                mobius[k] *= -1
            for k in range(p * p, limit + 1, p * p):
                mobius[k] = 0
    result = 0
    for d in range(1, limit + 1):
        if mobius[d] != 0:
            multiples = sum(present[d::d])
            result += mobius[d] * multiples * (multiples - 1) // 2
    return result
