def divisor_sums(n):
    sigma = [0] * (n + 1)
    i = 1
    while i * i <= n:
        sigma[i * i] += i
        for m in range(i * (i + 1), n + 1, i):
            sigma[m] += i + m // i
        i += 1
    return sigma[1:]
