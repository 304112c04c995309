def divisor_sums(n):
    return [k + sum(d for d in range(1, k // 2 + 1) if k % d == 0) for k in range(1, n + 1)]
