def count_islands(grid):
    parent = {}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb

    for r, line in enumerate(grid):
        for c, ch in enumerate(line):
            if ch == "1":
                parent[(r, c)] = (r, c)
                if r and grid[r - 1][c] == "1":
                    union((r, c), (r - 1, c))
                if c and line[c - 1] == "1":
                    union((r, c), (r, c - 1))
    return len({find(cell) for cell in parent})
