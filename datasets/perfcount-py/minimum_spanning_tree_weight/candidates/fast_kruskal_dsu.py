def mst_weight(n, edges):
    boss = list(range(n))

    def leader(x):
        root = x
        while boss[root] != root:
            root = boss[root]
        while boss[x] != root:
            boss[x], x = root, boss[x]
        return root

    cost = 0
    joined = 0
    for u, v, w in sorted(edges, key=lambda e: e[2]):
        a, b = leader(u), leader(v)
        if a != b:
            boss[a] = b
            cost += w
            joined += 1
            if joined == n - 1:
                break
    return cost if joined == max(0, n - 1) else -1
