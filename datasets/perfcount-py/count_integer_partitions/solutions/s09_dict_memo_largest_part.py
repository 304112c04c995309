def count_integer_partitions(n):
    memo = {}

    def p(total, largest):
        if total == 0:
            return 1
        if total < 0 or largest == 0:
            return 0
        key = (total, largest)
        if key not in memo:
            memo[key] = p(total - largest, largest) + p(total, largest - 1)
        return memo[key]

    for t in range(n + 1):
        for k in range(1, t + 1):
            p(t, k)
    return p(n, n)
