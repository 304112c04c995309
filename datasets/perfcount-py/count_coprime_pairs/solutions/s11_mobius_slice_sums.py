def count_coprime_pairs(xs):
    if not xs:
        return 0
    top = max(xs)
    freq = [0] * (top + 1)
    for x in xs:
        freq[x] += 1
    # linear sieve for the Moebius function
    mu = [0] * (top + 1)
    mu[1] = 1
    primes = []
    composite = bytearray(top + 1)
    for i in range(2, top + 1):
        if not composite[i]:
            primes.append(i)
            mu[i] = -1
        for p in primes:
            if i * p > top:
                break
            composite[i * p] = 1
            if i % p == 0:
                break
            mu[i * p] = -mu[i]
    total = 0
    for d in range(1, top + 1):
        if mu[d]:
            c = sum(freq[d::d])
            total += mu[d] * (c * (c - 1) // 2)
    return total
