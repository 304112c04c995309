def divisor_sums(n):
    sums = [0] * (n + 1)
    for d in range(1, n // 2 + 1):
        for m in range(2 * d, n + 1, d):
            sums[m] += d
    return [sums[k] + k for k in range(1, n + 1)]
