def josephus_survivor(n, k):
    tree = [0] * (n + 1)
    for i in range(1, n + 1):
        tree[i] += 1
        parent = i + (i & -i)
        if parent <= n:
            tree[parent] += tree[i]
    top = 1
    while top * 2 <= n:
        top *= 2

    def kth(rank):  # position of the rank-th (1-based) person still present
        pos = 0
        step = top
        while step:
            if pos + step <= n and tree[pos + step] < rank:
                pos += step
                rank -= tree[pos]
            step //= 2
        return pos + 1

    idx = 0
    remaining = n
    last = 1
    while remaining > 0:
        idx = (idx + k - 1) % remaining
        last = kth(idx + 1)
        i = last
        while i <= n:
            tree[i] -= 1
            i += i & -i
        remaining -= 1
    return last
