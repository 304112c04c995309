def mst_weight(n, edges):
    if n == 0:
        return 0
    tree = [0]
    cost = 0
    while len(tree) < n:
        candidates = [e for e in edges if (e[0] in tree) ^ (e[1] in tree)]
        if not candidates:
            return -1
        u, v, w = min(candidates, key=lambda e: e[2])
        tree.append(v if u in tree else u)
        cost += w
    return cost
