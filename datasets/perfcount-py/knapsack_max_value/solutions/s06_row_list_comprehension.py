def knapsack_max_value(weights, values, capacity):
    dp = [0] * (capacity + 1)
    for w, v in zip(weights, values):
        if w > capacity:
            continue
        shifted = [0] * w + [x + v for x in dp[: capacity + 1 - w]]
        dp = [a if a >= b else b for a, b in zip(dp, shifted)]
    return dp[capacity]
