def count_inversions(xs):
    a = list(xs)
    swaps = 0
    n = len(a)
    for end in range(n - 1, 0, -1):
        for j in range(end):
            if a[j] > a[j + 1]:
                a[j], a[j + 1] = a[j + 1], a[j]
                swaps += 1
    return swaps
