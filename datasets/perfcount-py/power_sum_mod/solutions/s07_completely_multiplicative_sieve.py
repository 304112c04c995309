def power_sum_mod(n, e, m):
    # f(k) = k**e mod m is completely multiplicative: f(p * r) = f(p) * f(r).
    spf = [0] * (n + 1)
    f = [0] * (n + 1)
    total = 0
    for k in range(1, n + 1):
        if k == 1:
            f[1] = 1 % m
        elif spf[k] == 0:  # k is prime
            for multiple in range(k, n + 1, k):
                if spf[multiple] == 0:
                    spf[multiple] = k
            f[k] = pow(k, e, m)
        else:
            p = spf[k]
            f[k] = f[p] * f[k // p] % m
        total += f[k]
    return total % m
