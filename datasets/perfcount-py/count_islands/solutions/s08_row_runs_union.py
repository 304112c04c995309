def count_islands(grid):
    # Split each row into runs of land; a run joins every run above it that overlaps.
    parent = []

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    components = 0
    prev_runs = []
    for line in grid:
        runs = []
        c, n = 0, len(line)
        while c < n:
            start = line.find("1", c)
            if start < 0:
                break
            end = line.find("0", start)
            if end < 0:
                end = n
            runs.append((start, end, len(parent)))
            parent.append(len(parent))
            components += 1
            c = end
        k = 0
        for start, end, rid in runs:
            while k < len(prev_runs) and prev_runs[k][1] <= start:
                k += 1
            j = k
            while j < len(prev_runs) and prev_runs[j][0] < end:
                a, b = find(rid), find(prev_runs[j][2])
                if a != b:
                    parent[a] = b
                    components -= 1
                j += 1
        prev_runs = runs
    return components
