def count_primes_in_ranges(queries):
    def prime(n):
        if n < 2:
            return False
        i = 2
        while i * i <= n:
            if n % i == 0:
                return False
            i += 1
        return True

    # Bug: range(lo, hi) leaves out hi itself.
    return [sum(1 for n in range(lo, hi) if prime(n)) for lo, hi in queries]
