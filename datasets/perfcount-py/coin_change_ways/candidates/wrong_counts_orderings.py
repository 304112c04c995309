def count_coin_change_ways(amount, coins):
    # Loops over totals first, so 1+2 and 2+1 are counted separately.
    dp = [0] * (amount + 1)
    dp[0] = 1
    for total in range(1, amount + 1):
        for coin in coins:
            if coin <= total:
                dp[total] += dp[total - coin]
    return dp[amount]
