def count_subsets_with_sum(xs, target):
    n = len(xs)
    # table[i][s]: subsets of the first i elements with sum s
    table = [[0] * (target + 1) for _ in range(n + 1)]
    table[0][0] = 1
    for i in range(1, n + 1):
        x = xs[i - 1]
        for s in range(target + 1):
            table[i][s] = table[i - 1][s]
            if s >= x:
                table[i][s] += table[i - 1][s - x]
    return table[n][target]
