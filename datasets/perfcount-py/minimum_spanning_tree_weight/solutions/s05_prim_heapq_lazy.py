import heapq


def mst_weight(n, edges):
    if n == 0:
        return 0
    adj = [[] for _ in range(n)]
    for u, v, w in edges:
        adj[u].append((w, v))
        adj[v].append((w, u))
    seen = [False] * n
    heap = [(0, 0)]
    total, count = 0, 0
    while heap and count < n:
        w, u = heapq.heappop(heap)
        if seen[u]:
            continue
        seen[u] = True
        total += w
        count += 1
        for item in adj[u]:
            if not seen[item[1]]:
                heapq.heappush(heap, item)
    return total if count == n else -1
