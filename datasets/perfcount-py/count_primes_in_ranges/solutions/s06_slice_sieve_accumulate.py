from itertools import accumulate


def count_primes_in_ranges(queries):
    if not queries:
        return []
    top = max(hi for _, hi in queries)
    sieve = bytearray([1]) * (top + 1)
    sieve[0:2] = bytes(min(2, top + 1))
    for p in range(2, int(top**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, top + 1, p)))
    prefix = [0, *accumulate(sieve)]
    return [prefix[hi + 1] - prefix[lo] for lo, hi in queries]
