def mst_weight(n, edges):
    if n == 0:
        return 0
    in_tree = {0}
    total = 0
    while len(in_tree) < n:
        best = None
        for u, v, w in edges:
            if (u in in_tree) != (v in in_tree) and (best is None or w < best[2]):
                best = (u, v, w)
        if best is None:
            return -1
        in_tree.add(best[0])
        in_tree.add(best[1])
        total += best[2]
    return total
