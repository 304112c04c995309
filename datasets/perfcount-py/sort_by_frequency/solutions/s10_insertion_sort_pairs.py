def sort_by_frequency(xs):
    counts = {}
    for x in xs:
        if x in counts:
            counts[x] += 1
        else:
            counts[x] = 1
    pairs = [(-c, v) for v, c in counts.items()]
    for i in range(1, len(pairs)):
        item = pairs[i]
        j = i - 1
        while j >= 0 and pairs[j] > item:
            pairs[j + 1] = pairs[j]
            j -= 1
        pairs[j + 1] = item
    out = []
    for neg, v in pairs:
        out += [v] * -neg
    return out
