from itertools import combinations
from math import gcd


def count_coprime_pairs(xs):
    return sum(1 for a, b in combinations(xs, 2) if gcd(a, b) == 1)
