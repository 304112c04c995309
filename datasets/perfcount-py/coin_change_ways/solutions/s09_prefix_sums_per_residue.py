from itertools import accumulate


def count_coin_change_ways(amount, coins):
    ways = [1] + [0] * amount
    for c in coins:
        # with coin c allowed, ways[a] = sum of old ways[a - k*c]: a prefix sum per residue
        for r in range(min(c, amount + 1)):
            ways[r::c] = accumulate(ways[r::c])
    return ways[amount]
