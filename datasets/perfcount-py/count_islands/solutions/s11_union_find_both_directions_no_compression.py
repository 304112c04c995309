def count_islands(grid):
    parent = {}
    for r, line in enumerate(grid):
        for c, ch in enumerate(line):
            if ch == "1":
                parent[(r, c)] = (r, c)

    def find(cell):
        while parent[cell] != cell:
            cell = parent[cell]
        return cell

    # join every land cell with each land neighbour (each pair is seen twice)
    for r, c in list(parent):
        for nb in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if nb in parent:
                a, b = find((r, c)), find(nb)
                if a != b:
                    parent[a] = b
    return len({find(cell) for cell in parent})
