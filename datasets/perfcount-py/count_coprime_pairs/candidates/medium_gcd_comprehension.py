import math


def count_coprime_pairs(xs):
    n = len(xs)
    return len([1 for i in range(n) for j in range(i + 1, n) if math.gcd(xs[i], xs[j]) == 1])
