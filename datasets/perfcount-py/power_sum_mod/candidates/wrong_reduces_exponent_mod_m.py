def power_sum_mod(n, e, m):
    # Bug: reducing the exponent modulo m is not a valid identity.
    small_e = e % m if m > 1 else e
    return sum(pow(k, small_e, m) for k in range(1, n + 1)) % m
