def count_coin_change_ways(amount, coins):
    memo = {}

    def count(index, remaining):
        if index == len(coins):
            return int(remaining == 0)
        key = (index, remaining)
        if key not in memo:
            memo[key] = sum(
                count(index + 1, remaining - used)
                for used in range(0, remaining + 1, coins[index])
            )
        return memo[key]

    return count(0, amount)
