def merge_intervals(intervals):
    n = len(intervals)
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i in range(n):
        for j in range(i + 1, n):
            if intervals[i][0] <= intervals[j][1] and intervals[j][0] <= intervals[i][1]:
                parent[find(i)] = find(j)
    groups = {}
    for i, (s, e) in enumerate(intervals):
        r = find(i)
        if r in groups:
            groups[r] = [min(groups[r][0], s), max(groups[r][1], e)]
        else:
            groups[r] = [s, e]
    return sorted(groups.values())
