def mst_weight(n, edges):
    if n == 0:
        return 0
    tree = [0]
    cost = 0
    while len(tree) < n:
        members = set(tree)
        candidates = [e for e in edges if (e[0] in members) ^ (e[1] in members)]
        if not candidates:
            return -1
        u, v, w = min(candidates, key=lambda e: e[2])
        tree.append(v if u in members else u)
        cost += w
    return cost
