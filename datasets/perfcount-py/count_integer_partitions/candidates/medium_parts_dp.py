def count_integer_partitions(n):
    dp = [0] * (n + 1)
    dp[0] = 1
    for size in range(1, n + 1):
        for amount in range(n + 1):
            if amount >= size:
                dp[amount] = dp[amount] + dp[amount - size]
    return dp[n]
