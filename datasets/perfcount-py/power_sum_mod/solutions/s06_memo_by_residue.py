def power_sum_mod(n, e, m):
    memo = {}
    total = 0
    for k in range(1, n + 1):
        r = k % m
        if r not in memo:
            memo[r] = pow(r, e, m)
        total += memo[r]
    return total % m
