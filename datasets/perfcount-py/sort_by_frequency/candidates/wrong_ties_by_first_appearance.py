def sort_by_frequency(xs):
    freq = {}
    for x in xs:
        freq[x] = freq.get(x, 0) + 1
    # Bug: equal counts keep first-appearance order instead of ascending value.
    order = sorted(freq, key=freq.get, reverse=True)
    out = []
    for v in order:
        out.extend([v] * freq[v])
    return out
