def knapsack_max_value(weights, values, capacity):
    dp = [0] * (capacity + 1)
    for w, v in zip(weights, values):
        new = dp[:]
        for c in range(w, capacity + 1):
            new[c] = max(dp[c], dp[c - w] + v)
        dp = new
    return dp[capacity]
