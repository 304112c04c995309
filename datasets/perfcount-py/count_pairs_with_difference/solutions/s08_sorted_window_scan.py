def count_pairs_with_difference(xs, k):
    a = sorted(xs)
    total = 0
    for i in range(len(a)):
        j = i + 1
        while j < len(a) and a[j] - a[i] <= k:
            if a[j] - a[i] == k:
                total += 1
            j += 1
    return total
