def count_pairs_with_difference(xs, k):
    n = len(xs)
    return len([(i, j) for i in range(n) for j in range(i + 1, n) if abs(xs[i] - xs[j]) == k])
