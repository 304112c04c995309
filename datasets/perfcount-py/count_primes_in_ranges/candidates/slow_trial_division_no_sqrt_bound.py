def count_primes_in_ranges(queries):
    def is_prime(x):
        if x < 2:
            return False
        for d in range(2, x):
            if x % d == 0:
                return False
        return True

    return [sum(1 for x in range(lo, hi + 1) if is_prime(x)) for lo, hi in queries]
