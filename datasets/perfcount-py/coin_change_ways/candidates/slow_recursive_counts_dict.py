import sys


def count_coin_change_ways(amount, coins):
    sys.setrecursionlimit(100000)
    memo = {}

    def count(index, remaining):
        if remaining == 0:
            return 1
        if remaining < 0 or index == len(coins):
            return 0
        key = (index, remaining)
        if key not in memo:
            memo[key] = count(index, remaining - coins[index]) + count(index + 1, remaining)
        return memo[key]

    return count(0, amount)
