def count_primes_in_ranges(queries):
    if not queries:
        return []
    top = max(hi for _, hi in queries)
    primes = []
    for x in range(2, top + 1):
        for p in primes:
            if p * p > x:
                primes.append(x)
                break
            if x % p == 0:
                break
        else:
            primes.append(x)
    answers = []
    for lo, hi in queries:
        answers.append(sum(1 for p in primes if lo <= p <= hi))
    return answers
