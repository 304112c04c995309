def count_primes_in_ranges(queries):
    def prime(n):
        if n <= 3:
            return n > 1
        if n % 2 == 0 or n % 3 == 0:
            return False
        f = 5
        while f * f <= n:
            if n % f == 0 or n % (f + 2) == 0:
                return False
            f += 6
        return True

    return [sum(prime(n) for n in range(lo, hi + 1)) for lo, hi in queries]
