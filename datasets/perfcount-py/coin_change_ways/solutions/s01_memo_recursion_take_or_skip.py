import sys
from functools import lru_cache


def count_coin_change_ways(amount, coins):
    sys.setrecursionlimit(max(10000, 2 * amount + 4 * len(coins) + 100))
    coins = sorted(coins)

    @lru_cache(maxsize=None)
    def ways(i, rest):
        if rest == 0:
            return 1
        if i == len(coins) or rest < 0:
            return 0
        return ways(i, rest - coins[i]) + ways(i + 1, rest)

    return ways(0, amount)
