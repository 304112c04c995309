from math import gcd


def count_coprime_pairs(xs):
    # Bug: works on distinct values, so duplicates (e.g. [1, 1]) are lost.
    values = sorted(set(xs))
    return sum(
        1
        for i in range(len(values))
        for j in range(i + 1, len(values))
        if gcd(values[i], values[j]) == 1
    )
