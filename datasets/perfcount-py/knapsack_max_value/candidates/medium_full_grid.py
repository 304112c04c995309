def knapsack_max_value(weights, values, capacity):
    grid = [[0] * (capacity + 1) for _ in range(len(weights) + 1)]
    for i, (weight, value) in enumerate(zip(weights, values), 1):
        for room in range(capacity + 1):
            take = grid[i - 1][room - weight] + value if weight <= room else 0
            grid[i][room] = max(grid[i - 1][room], take)
    return grid[-1][-1]
