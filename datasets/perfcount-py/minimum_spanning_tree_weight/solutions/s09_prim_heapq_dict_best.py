import heapq
from collections import defaultdict


def mst_weight(n, edges):
    if n == 0:
        return 0
    graph = defaultdict(dict)
    for u, v, w in edges:
        if u != v and w < graph[u].get(v, float("inf")):
            graph[u][v] = w
            graph[v][u] = w
    best = {0: 0}
    done = set()
    heap = [(0, 0)]
    total = 0
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        total += d
        for v, w in graph[u].items():
            if v not in done and w < best.get(v, float("inf")):
                best[v] = w
                heapq.heappush(heap, (w, v))
    return total if len(done) == n else -1
