from math import isqrt


def divisor_sums(n):
    out = []
    for k in range(1, n + 1):
        divisors = set()
        for d in range(1, isqrt(k) + 1):
            if k % d == 0:
                divisors.add(d)
                divisors.add(k // d)
        out.append(sum(divisors))
    return out
