def kth_smallest(xs, k):
    ys = xs.copy()
    ys.sort()
    return ys[k - 1]
