def knapsack_max_value(weights, values, capacity):
    cache = {}

    def go(items, room):
        if not items:
            return 0
        key = (items, room)
        if key not in cache:
            (w, v), rest = items[0], items[1:]
            skip = go(rest, room)
            take = v + go(rest, room - w) if w <= room else 0
            cache[key] = max(skip, take)
        return cache[key]

    return go(tuple(zip(weights, values)), capacity)
