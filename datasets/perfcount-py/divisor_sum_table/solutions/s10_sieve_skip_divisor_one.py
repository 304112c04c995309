def divisor_sums(n):
    sigma = [1] * n if n else []  # 1 divides everything
    for d in range(2, n + 1):
        for idx in range(d - 1, n, d):
            sigma[idx] += d
    return sigma
