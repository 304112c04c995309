def sort_by_frequency(xs):
    counts = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    remaining = list(counts)
    out = []
    while remaining:
        best = remaining[0]
        for v in remaining:
            if counts[v] > counts[best] or (counts[v] == counts[best] and v < best):
                best = v
        remaining.remove(best)
        out.extend([best] * counts[best])
    return out
