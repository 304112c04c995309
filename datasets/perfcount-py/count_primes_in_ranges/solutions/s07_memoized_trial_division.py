def count_primes_in_ranges(queries):
    cache = {}

    def is_prime(x):
        if x in cache:
            return cache[x]
        result = x >= 2
        d = 2
        while result and d * d <= x:
            if x % d == 0:
                result = False
            d += 1
        cache[x] = result
        return result

    return [sum(1 for x in range(lo, hi + 1) if is_prime(x)) for lo, hi in queries]
