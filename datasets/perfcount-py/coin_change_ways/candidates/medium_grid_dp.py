def count_coin_change_ways(amount, coins):
    grid = [[1] + [0] * amount for _ in range(len(coins) + 1)]
    for i, coin in enumerate(coins, 1):
        for total in range(1, amount + 1):
            without = grid[i - 1][total]
            with_coin = grid[i][total - coin] if total >= coin else 0
            grid[i][total] = without + with_coin
    return grid[len(coins)][amount]
