from math import isqrt


def count_primes_in_ranges(queries):
    def is_prime(x):
        if x < 4:
            return x >= 2
        if x % 2 == 0:
            return False
        return all(x % d for d in range(3, isqrt(x) + 1, 2))

    return [sum(map(is_prime, range(lo, hi + 1))) for lo, hi in queries]
