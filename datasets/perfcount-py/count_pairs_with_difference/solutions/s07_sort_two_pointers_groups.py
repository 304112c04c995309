def count_pairs_with_difference(xs, k):
    a = sorted(xs)
    n = len(a)
    if k == 0:
        total = 0
        i = 0
        while i < n:
            j = i
            while j < n and a[j] == a[i]:
                j += 1
            total += (j - i) * (j - i - 1) // 2
            i = j
        return total
    total = 0
    j = 0
    for i in range(n):
        target = a[i] + k
        while j < n and a[j] < target:
            j += 1
        m = j
        while m < n and a[m] == target:
            m += 1
        total += m - j
    return total
