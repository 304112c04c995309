def _within(a, b, k):
    """Edit distance if it is at most k, else None; only cells with |i - j| <= k."""
    n, m = len(a), len(b)
    if abs(n - m) > k:
        return None
    big = k + 1
    prev = {j: j for j in range(0, min(m, k) + 1)}
    for i in range(1, n + 1):
        cur = {}
        lo, hi = max(0, i - k), min(m, i + k)
        for j in range(lo, hi + 1):
            if j == 0:
                cur[j] = i
                continue
            best = prev.get(j - 1, big) + (a[i - 1] != b[j - 1])
            up = prev.get(j, big) + 1
            left = cur.get(j - 1, big) + 1
            if up < best:
                best = up
            if left < best:
                best = left
            cur[j] = best
        prev = cur
    d = prev.get(m, big)
    return d if d <= k else None


def edit_distance(a, b):
    k = 1
    while True:
        d = _within(a, b, k)
        if d is not None:
            return d
        k *= 2
