def mst_weight(n, edges):
    comp = list(range(n))
    total, used = 0, 0
    for u, v, w in sorted(edges, key=lambda e: e[2]):
        cu, cv = comp[u], comp[v]
        if cu == cv:
            continue
        for i in range(n):  # merge by relabelling every vertex of v's component
            if comp[i] == cv:
                comp[i] = cu
        total += w
        used += 1
    return total if used == max(n - 1, 0) else -1
