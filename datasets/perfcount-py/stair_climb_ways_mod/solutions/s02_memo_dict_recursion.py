def stair_climb_ways_mod(n, m):
    memo = {0: 1 % m}

    def ways(k):
        if k < 0:
            return 0
        if k not in memo:
            memo[k] = (ways(k - 1) + ways(k - 2) + ways(k - 3)) % m
        return memo[k]

    for k in range(1, n + 1):
        ways(k)
    return ways(n)
