def sort_by_frequency(xs):
    counts = {}
    for v in set(xs):
        c = 0
        for y in xs:
            if y == v:
                c += 1
        counts[v] = c
    return sorted(xs, key=lambda x: (-counts[x], x))
