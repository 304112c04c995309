def sort_by_frequency(xs):
    counts = {}
    for x in xs:
        counts[x] = counts.get(x, 0) + 1
    pairs = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for value, c in pairs:
        for _ in range(c):
            out.append(value)
    return out
