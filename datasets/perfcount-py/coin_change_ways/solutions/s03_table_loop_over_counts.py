def count_coin_change_ways(amount, coins):
    n = len(coins)
    table = [[0] * (amount + 1) for _ in range(n + 1)]
    table[0][0] = 1
    for i in range(1, n + 1):
        c = coins[i - 1]
        for a in range(amount + 1):
            total = 0
            k = 0
            while k * c <= a:
                total += table[i - 1][a - k * c]
                k += 1
            table[i][a] = total
    return table[n][amount]
