from collections import Counter


def kth_smallest(xs, k):
    seen = 0
    counts = Counter(xs)
    for value in sorted(counts):
        seen += counts[value]
        if seen >= k:
            return value
    raise ValueError("k out of range")
