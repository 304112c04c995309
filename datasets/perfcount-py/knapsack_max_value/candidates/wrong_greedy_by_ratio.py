def knapsack_max_value(weights, values, capacity):
    # Greedy by value per weight: fast, but not optimal for 0/1 items.
    order = sorted(range(len(weights)), key=lambda i: values[i] / weights[i], reverse=True)
    room, total = capacity, 0
    for i in order:
        if weights[i] <= room:
            room -= weights[i]
            total += values[i]
    return total
