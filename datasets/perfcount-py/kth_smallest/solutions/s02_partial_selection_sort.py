def kth_smallest(xs, k):
    a = list(xs)
    n = len(a)
    for i in range(k):
        best = i
        for j in range(i + 1, n):
            if a[j] < a[best]:
                best = j
        a[i], a[best] = a[best], a[i]
    return a[k - 1]
