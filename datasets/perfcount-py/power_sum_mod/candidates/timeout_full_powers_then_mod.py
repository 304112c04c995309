def power_sum_mod(n, e, m):
    # Correct, but builds every k**e as a huge integer before reducing.
    return sum(k**e for k in range(1, n + 1)) % m
