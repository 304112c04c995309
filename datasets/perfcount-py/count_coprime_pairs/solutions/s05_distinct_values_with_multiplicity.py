from collections import Counter
from math import gcd


def count_coprime_pairs(xs):
    counts = sorted(Counter(xs).items())
    total = 0
    for i, (a, ca) in enumerate(counts):
        if a == 1:
            total += ca * (ca - 1) // 2
        for b, cb in counts[i + 1 :]:
            if gcd(a, b) == 1:
                total += ca * cb
    return total
