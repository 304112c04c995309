def count_islands(grid):
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    parent = list(range(rows * cols))
    components = 0

    def find(x):
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for r in range(rows):
        line = grid[r]
        for c in range(cols):
            if line[c] != "1":
                continue
            components += 1
            i = r * cols + c
            for j, is_land in ((i - cols, r > 0 and grid[r - 1][c] == "1"), (i - 1, c > 0 and line[c - 1] == "1")):
                if is_land:
                    a, b = find(i), find(j)
                    if a != b:
                        parent[a] = b
                        components -= 1
    return components
