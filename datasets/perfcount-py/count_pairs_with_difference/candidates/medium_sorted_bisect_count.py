from bisect import bisect_left, bisect_right


def count_pairs_with_difference(xs, k):
    ordered = sorted(xs)
    pairs = 0
    for idx, value in enumerate(ordered):
        pairs += bisect_right(ordered, value + k, idx + 1) - bisect_left(
            ordered, value + k, idx + 1
        )
    return pairs
