from collections import Counter


def sort_by_frequency(xs):
    """Count once with Counter, then sort by (-count, value)."""
    counts = Counter(xs)
    return sorted(xs, key=lambda x: (-counts[x], x))
