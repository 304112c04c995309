def sort_by_frequency(xs):
    counts = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    buckets = [[] for _ in range(len(xs) + 1)]
    for value, c in counts.items():
        buckets[c].append(value)
    out = []
    for c in range(len(xs), 0, -1):
        for value in sorted(buckets[c]):
            out.extend([value] * c)
    return out
