from collections import Counter


def first_unique(xs):
    """Count all values once, then return the first with count 1."""
    counts = Counter(xs)
    for x in xs:
        if counts[x] == 1:
            return x
    return None
