def count_integer_partitions(n):
    offsets = []
    k = 1
    while k * (3 * k - 1) // 2 <= n:
        s = 1 if k % 2 else -1
        offsets.append((k * (3 * k - 1) // 2, s))
        offsets.append((k * (3 * k + 1) // 2, s))
        k += 1
    p = [1] + [0] * n
    for m in range(1, n + 1):
        p[m] = sum(s * p[m - g] for g, s in offsets if g <= m)
    return p[n]
