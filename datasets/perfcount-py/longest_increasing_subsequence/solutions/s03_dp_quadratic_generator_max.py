def longest_increasing_subsequence(xs):
    dp = []
    for i, x in enumerate(xs):
        dp.append(1 + max((dp[j] for j in range(i) if xs[j] < x), default=0))
    return max(dp, default=0)
