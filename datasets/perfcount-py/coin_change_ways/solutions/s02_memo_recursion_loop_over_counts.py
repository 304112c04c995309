from functools import lru_cache


def count_coin_change_ways(amount, coins):
    coins = tuple(coins)

    @lru_cache(maxsize=None)
    def ways(i, rest):
        if i == len(coins):
            return 1 if rest == 0 else 0
        total = 0
        for k in range(rest // coins[i] + 1):
            total += ways(i + 1, rest - k * coins[i])
        return total

    return ways(0, amount)
