from collections import Counter


def count_pairs_with_difference(xs, k):
    freq = Counter(xs)
    if k == 0:
        return sum(n * (n - 1) // 2 for n in freq.values())
    return sum(n * freq.get(value + k, 0) for value, n in freq.items())
