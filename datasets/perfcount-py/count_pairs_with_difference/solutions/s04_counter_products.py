from collections import Counter


def count_pairs_with_difference(xs, k):
    counts = Counter(xs)
    if k == 0:
        return sum(c * (c - 1) // 2 for c in counts.values())
    return sum(c * counts[v + k] for v, c in counts.items() if v + k in counts)
