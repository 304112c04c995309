from itertools import groupby


def sort_by_frequency(xs):
    groups = [list(g) for _, g in groupby(sorted(xs))]
    groups.sort(key=len, reverse=True)
    out = []
    for g in groups:
        out += g
    return out
