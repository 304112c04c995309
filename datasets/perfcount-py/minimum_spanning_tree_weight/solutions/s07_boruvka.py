def mst_weight(n, edges):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    components, total = n, 0
    # ties broken by edge index so the chosen edges never form a cycle
    indexed = [(w, i, u, v) for i, (u, v, w) in enumerate(edges)]
    while components > 1:
        cheapest = {}
        for key in indexed:
            ru, rv = find(key[2]), find(key[3])
            if ru == rv:
                continue
            for r in (ru, rv):
                if r not in cheapest or key < cheapest[r]:
                    cheapest[r] = key
        if not cheapest:
            return -1
        for w, _, u, v in cheapest.values():
            ru, rv = find(u), find(v)
            if ru != rv:
                parent[ru] = rv
                total += w
                components -= 1
    return total
