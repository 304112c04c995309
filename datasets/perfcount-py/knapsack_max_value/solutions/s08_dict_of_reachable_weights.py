def knapsack_max_value(weights, values, capacity):
    best = {0: 0}
    for w, v in zip(weights, values):
        for used, value in list(best.items()):
            total = used + w
            if total <= capacity and best.get(total, -1) < value + v:
                best[total] = value + v
    return max(best.values())
