def kth_smallest(xs, k):
    """Sort a copy and index it: simple and O(n log n)."""
    return sorted(xs)[k - 1]
