def count_subsets_with_sum(xs, target):
    dp = [0] * (target + 1)
    dp[0] = 1
    for value in xs:
        for s in range(target, value - 1, -1):
            dp[s] += dp[s - value]
    return dp[target]
