from functools import lru_cache


def count_coprime_pairs(xs):
    @lru_cache(maxsize=None)
    def gcd(a, b):
        while b:
            a, b = b, a % b
        return a

    count = 0
    for i, a in enumerate(xs):
        for b in xs[i + 1 :]:
            if gcd(min(a, b), max(a, b)) == 1:
                count += 1
    return count
