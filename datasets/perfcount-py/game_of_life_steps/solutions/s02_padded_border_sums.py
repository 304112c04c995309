def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    grid = [row[:] for row in cells]
    for _ in range(steps):
        pad = [[0] * (cols + 2)] + [[0, *row, 0] for row in grid] + [[0] * (cols + 2)]
        new = []
        for r in range(1, rows + 1):
            above, here, below = pad[r - 1], pad[r], pad[r + 1]
            out = []
            for c in range(1, cols + 1):
                n = (
                    above[c - 1] + above[c] + above[c + 1]
                    + here[c - 1] + here[c + 1]
                    + below[c - 1] + below[c] + below[c + 1]
                )  # fmt: skip
                out.append(1 if n == 3 or (n == 2 and here[c]) else 0)
            new.append(out)
        grid = new
    return grid
