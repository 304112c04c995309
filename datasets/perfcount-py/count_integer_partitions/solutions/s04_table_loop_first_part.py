def count_integer_partitions(n):
    # ways[t][c]: partitions of t whose parts are all at most c
    ways = [[0] * (n + 1) for _ in range(n + 1)]
    ways[0] = [1] * (n + 1)
    for t in range(1, n + 1):
        for c in range(1, n + 1):
            total = 0
            for k in range(1, min(t, c) + 1):
                total += ways[t - k][k]
            ways[t][c] = total
    return ways[n][n]
