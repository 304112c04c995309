from functools import lru_cache


def divisor_sums(n):
    @lru_cache(maxsize=None)
    def smallest_factor(k):
        d = 2
        while d * d <= k:
            if k % d == 0:
                return d
            d += 1
        return k

    def sigma(k):
        if k == 1:
            return 1
        p = smallest_factor(k)
        power, rest = 1, k
        while rest % p == 0:
            rest //= p
            power *= p
        return sigma(rest) * (power * p - 1) // (p - 1)

    return [sigma(k) for k in range(1, n + 1)]
