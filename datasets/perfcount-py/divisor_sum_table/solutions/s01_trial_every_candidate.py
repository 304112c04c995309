def divisor_sums(n):
    table = []
    for k in range(1, n + 1):
        total = 0
        for d in range(1, k + 1):
            if k % d == 0:
                total += d
        table.append(total)
    return table
