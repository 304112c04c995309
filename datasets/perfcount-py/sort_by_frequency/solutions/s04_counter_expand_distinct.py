from collections import Counter


def sort_by_frequency(xs):
    counts = Counter(xs)
    out = []
    for value in sorted(counts, key=lambda v: (-counts[v], v)):
        out.extend([value] * counts[value])
    return out
