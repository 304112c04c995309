def count_primes_in_ranges(queries):
    def is_prime(x):
        if x < 2:
            return False
        divisors = [d for d in range(2, int(x**0.5) + 1) if x % d == 0]
        return len(divisors) == 0

    counts = []
    for lo, hi in queries:
        counts.append(len([x for x in range(lo, hi + 1) if is_prime(x)]))
    return counts
