from collections import deque


def mst_weight(n, edges):
    tree = [[] for _ in range(n)]

    def connected(a, b):
        seen = {a}
        queue = deque([a])
        while queue:
            x = queue.popleft()
            if x == b:
                return True
            for y in tree[x]:
                if y not in seen:
                    seen.add(y)
                    queue.append(y)
        return False

    total, used = 0, 0
    for u, v, w in sorted(edges, key=lambda e: e[2]):
        if used == n - 1:
            break
        if u == v or connected(u, v):
            continue
        tree[u].append(v)
        tree[v].append(u)
        total += w
        used += 1
    return total if used == max(n - 1, 0) else -1
