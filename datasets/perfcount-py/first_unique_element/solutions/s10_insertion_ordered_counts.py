def first_unique(xs):
    counts = {}
    for x in xs:
        if x in counts:
            counts[x] += 1
        else:
            counts[x] = 1
    # dicts keep first-occurrence order, so the first key with count 1 wins
    for value, c in counts.items():
        if c == 1:
            return value
    return None
