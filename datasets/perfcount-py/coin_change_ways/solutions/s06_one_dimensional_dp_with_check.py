def count_coin_change_ways(amount, coins):
    ways = [1] + [0] * amount
    for coin in coins:
        for a in range(1, amount + 1):
            if a - coin >= 0:
                ways[a] = ways[a] + ways[a - coin]
    return ways[amount]
