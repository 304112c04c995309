def count_integer_partitions(n):
    parts = [1]
    for m in range(1, n + 1):
        acc = 0
        k = 1
        while k * (3 * k - 1) // 2 <= m:
            sign = -1 if k % 2 == 0 else 1
            acc += sign * parts[m - k * (3 * k - 1) // 2]
            if k * (3 * k + 1) // 2 <= m:
                acc += sign * parts[m - k * (3 * k + 1) // 2]
            k += 1
        parts.append(acc)
    return parts[n]
