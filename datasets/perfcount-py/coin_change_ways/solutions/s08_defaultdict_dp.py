from collections import defaultdict


def count_coin_change_ways(amount, coins):
    ways = defaultdict(int)
    ways[0] = 1
    for c in coins:
        for a in range(c, amount + 1):
            ways[a] += ways[a - c]
    return ways[amount]
