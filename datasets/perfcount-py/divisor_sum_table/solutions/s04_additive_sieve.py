def divisor_sums(n):
    """Every d adds itself to each of its multiples: O(n log n) additions."""
    sigma = [0] * (n + 1)
    for d in range(1, n + 1):
        for multiple in range(d, n + 1, d):
            sigma[multiple] += d
    return sigma[1:]
