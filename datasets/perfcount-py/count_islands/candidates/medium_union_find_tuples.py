def count_islands(grid):
    parent = {}

    def root(cell):
        while parent[cell] != cell:
            cell = parent[cell]
        return cell

    for i, line in enumerate(grid):
        for j, ch in enumerate(line):
            if ch == "1":
                parent[(i, j)] = (i, j)
                for ni, nj in ((i - 1, j), (i, j - 1)):
                    if (ni, nj) in parent:
                        a, b = root((i, j)), root((ni, nj))
                        if a != b:
                            parent[a] = b
    return sum(1 for cell in parent if parent[cell] == cell)
