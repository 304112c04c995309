def kth_smallest(xs, k):
    items = list(xs)
    while True:
        pivot = items[len(items) // 2]
        lows = [x for x in items if x < pivot]
        if k <= len(lows):
            items = lows
            continue
        pivots = [x for x in items if x == pivot]
        if k <= len(lows) + len(pivots):
            return pivot
        k -= len(lows) + len(pivots)
        items = [x for x in items if x > pivot]
