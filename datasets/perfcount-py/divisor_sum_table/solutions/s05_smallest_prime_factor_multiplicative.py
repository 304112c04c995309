def divisor_sums(n):
    spf = list(range(n + 1))
    i = 2
    while i * i <= n:
        if spf[i] == i:
            for m in range(i * i, n + 1, i):
                if spf[m] == m:
                    spf[m] = i
        i += 1
    sigma = [0] * (n + 1)
    if n >= 1:
        sigma[1] = 1
    for k in range(2, n + 1):
        p = spf[k]
        rest = k
        power_sum = 1
        term = 1
        while rest % p == 0:
            rest //= p
            term *= p
            power_sum += term
        sigma[k] = sigma[rest] * power_sum
    return sigma[1:]
