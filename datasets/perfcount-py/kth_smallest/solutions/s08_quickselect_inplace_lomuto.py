def kth_smallest(xs, k):
    a = list(xs)
    lo, hi = 0, len(a) - 1
    target = k - 1
    while True:
        if lo == hi:
            return a[lo]
        mid = (lo + hi) // 2
        a[mid], a[hi] = a[hi], a[mid]
        pivot = a[hi]
        store = lo
        for i in range(lo, hi):
            if a[i] < pivot:
                a[i], a[store] = a[store], a[i]
                store += 1
        a[store], a[hi] = a[hi], a[store]
        if store == target:
            return a[store]
        if target < store:
            hi = store - 1
        else:
            lo = store + 1
