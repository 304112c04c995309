def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    grid = [row[:] for row in cells]
    zero = [0] * cols
    for _ in range(steps):
        # vertical sums of 3 rows, then horizontal sums of 3 columns
        vert = []
        for r in range(rows):
            up = grid[r - 1] if r > 0 else zero
            down = grid[r + 1] if r + 1 < rows else zero
            vert.append([a + b + c for a, b, c in zip(up, grid[r], down)])
        new = []
        for r in range(rows):
            v = vert[r]
            box = [
                (v[c - 1] if c > 0 else 0) + v[c] + (v[c + 1] if c + 1 < cols else 0)
                for c in range(cols)
            ]
            row = grid[r]
            new.append(
                [1 if b == 3 or (b == 4 and alive) else 0 for b, alive in zip(box, row)]
            )
        grid = new
    return grid
