def count_pairs_with_difference(xs, k):
    count = 0
    for i in range(len(xs)):
        for j in range(i + 1, len(xs)):
            if abs(xs[i] - xs[j]) == k:
                count += 1
    return count
