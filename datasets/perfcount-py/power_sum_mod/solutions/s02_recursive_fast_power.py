def power_sum_mod(n, e, m):
    def power(b, x):
        if x == 0:
            return 1 % m
        half = power(b, x // 2)
        sq = half * half % m
        return sq * b % m if x % 2 else sq

    return sum(power(k % m, e) for k in range(1, n + 1)) % m
