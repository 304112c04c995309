def count_primes_in_ranges(queries):
    """One sieve of Eratosthenes up to the largest bound, prefix counts, O(1) per query."""
    if not queries:
        return []
    top = max(hi for _, hi in queries)
    is_prime = [True] * (top + 1)
    is_prime[0] = False
    if top >= 1:
        is_prime[1] = False
    p = 2
    while p * p <= top:
        if is_prime[p]:
            for multiple in range(p * p, top + 1, p):
                is_prime[multiple] = False
        p += 1
    prefix = [0] * (top + 2)  # prefix[i] = primes below i
    for i in range(top + 1):
        prefix[i + 1] = prefix[i] + is_prime[i]
    return [prefix[hi + 1] - prefix[lo] for lo, hi in queries]
