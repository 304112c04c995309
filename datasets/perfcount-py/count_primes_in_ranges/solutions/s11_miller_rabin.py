def count_primes_in_ranges(queries):
    def is_prime(n):
        if n < 2:
            return False
        for p in (2, 3, 5, 7, 11, 13):
            if n % p == 0:
                return n == p
        d, r = n - 1, 0
        while d % 2 == 0:
            d //= 2
            r += 1
        for a in (2, 3, 5, 7, 11):  # deterministic for n < 2,152,302,898,747
            x = pow(a, d, n)
            if x in (1, n - 1):
                continue
            for _ in range(r - 1):
                x = x * x % n
                if x == n - 1:
                    break
            else:
                return False
        return True

    return [sum(1 for x in range(lo, hi + 1) if is_prime(x)) for lo, hi in queries]
