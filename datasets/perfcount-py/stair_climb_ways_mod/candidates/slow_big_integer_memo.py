def stair_climb_ways_mod(n, m):
    memo = {0: 1, 1: 1, 2: 2}
    for i in range(3, n + 1):
        memo[i] = memo[i - 1] + memo[i - 2] + memo[i - 3]
    return memo[n] % m
