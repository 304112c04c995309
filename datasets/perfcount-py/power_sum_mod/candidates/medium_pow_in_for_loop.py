def power_sum_mod(n, e, m):
    acc = 0
    for base in range(1, n + 1):
        acc += pow(base, e, m)
    return acc % m
