def longest_increasing_subsequence(xs):
    rank = {v: i + 1 for i, v in enumerate(sorted(set(xs)))}
    size = len(rank)
    tree = [0] * (size + 1)
    best = 0
    for x in xs:
        r = rank[x] - 1
        cur = 0
        while r > 0:
            if tree[r] > cur:
                cur = tree[r]
            r -= r & -r
        cur += 1
        if cur > best:
            best = cur
        r = rank[x]
        while r <= size:
            if tree[r] < cur:
                tree[r] = cur
            r += r & -r
    return best
