from math import gcd


def count_coprime_pairs(xs):
    """Check every pair with math.gcd: O(n^2) C-level gcds."""
    count = 0
    n = len(xs)
    for i in range(n):
        a = xs[i]
        for j in range(i + 1, n):
            if gcd(a, xs[j]) == 1:
                count += 1
    return count
