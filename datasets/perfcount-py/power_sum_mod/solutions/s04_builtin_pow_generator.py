def power_sum_mod(n, e, m):
    """Three-argument pow reduces modulo m at every step."""
    return sum(pow(k, e, m) for k in range(1, n + 1)) % m
