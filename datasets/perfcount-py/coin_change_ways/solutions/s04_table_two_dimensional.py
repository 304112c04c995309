def count_coin_change_ways(amount, coins):
    n = len(coins)
    table = [[0] * (amount + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        table[i][0] = 1
    for i in range(1, n + 1):
        c = coins[i - 1]
        for a in range(1, amount + 1):
            table[i][a] = table[i - 1][a]
            if a >= c:
                table[i][a] += table[i][a - c]
    return table[n][amount]
