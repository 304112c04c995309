def stair_climb_ways_mod(n, m):
    dp = [0] * (n + 1)
    dp[0] = 1
    for i in range(1, n + 1):
        for step in (1, 2, 3):
            if i >= step:
                dp[i] = (dp[i] + dp[i - step]) % m
    return dp[n] % m
