def mst_weight(n, edges):
    if n == 0:
        return 0
    adj = [[] for _ in range(n)]
    for u, v, w in edges:
        adj[u].append((v, w))
        adj[v].append((u, w))
    dist = [None] * n
    dist[0] = 0
    visited = [False] * n
    total = 0
    for _ in range(n):
        pick = None
        for i in range(n):
            if not visited[i] and dist[i] is not None and (pick is None or dist[i] < dist[pick]):
                pick = i
        if pick is None:
            return -1
        visited[pick] = True
        total += dist[pick]
        for v, w in adj[pick]:
            if not visited[v] and (dist[v] is None or w < dist[v]):
                dist[v] = w
    return total
