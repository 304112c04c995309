def count_integer_partitions(n):
    # table[k][t]: partitions of t into parts of size at most k
    table = [[0] * (n + 1) for _ in range(n + 1)]
    for k in range(n + 1):
        table[k][0] = 1
    for k in range(1, n + 1):
        for t in range(1, n + 1):
            table[k][t] = table[k - 1][t]
            if t >= k:
                table[k][t] += table[k][t - k]
    return table[n][n]
