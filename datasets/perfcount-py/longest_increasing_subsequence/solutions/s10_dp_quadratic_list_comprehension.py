def longest_increasing_subsequence(xs):
    dp = [0] * len(xs)
    for i, x in enumerate(xs):
        smaller = [dp[j] for j in range(i) if xs[j] < x]
        dp[i] = max(smaller) + 1 if smaller else 1
    return max(dp, default=0)
