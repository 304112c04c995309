def count_coin_change_ways(amount, coins):
    dp = [0] * (amount + 1)
    dp[0] = 1
    for coin in sorted(coins):
        for total in range(coin, amount + 1):
            dp[total] += dp[total - coin]
    return dp[amount]
