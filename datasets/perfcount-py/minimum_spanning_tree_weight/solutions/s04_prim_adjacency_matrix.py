def mst_weight(n, edges):
    if n == 0:
        return 0
    inf = float("inf")
    weight = [[inf] * n for _ in range(n)]
    for u, v, w in edges:
        if u != v and w < weight[u][v]:
            weight[u][v] = weight[v][u] = w
    in_tree = [False] * n
    best = [inf] * n
    best[0] = 0
    total = 0
    for _ in range(n):
        u, du = -1, inf
        for i in range(n):
            if not in_tree[i] and best[i] < du:
                u, du = i, best[i]
        if u < 0:
            return -1
        in_tree[u] = True
        total += du
        row = weight[u]
        for i in range(n):
            if not in_tree[i] and row[i] < best[i]:
                best[i] = row[i]
    return total
