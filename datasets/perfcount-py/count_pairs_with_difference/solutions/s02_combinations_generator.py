from itertools import combinations


def count_pairs_with_difference(xs, k):
    return sum(1 for a, b in combinations(xs, 2) if abs(a - b) == k)
