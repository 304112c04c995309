def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    grid = [row[:] for row in cells]
    for _ in range(steps):
        new = []
        for r in range(rows):
            lo, hi = max(r - 1, 0), min(r + 2, rows)
            out = []
            for c in range(cols):
                left, right = max(c - 1, 0), min(c + 2, cols)
                total = sum(sum(grid[rr][left:right]) for rr in range(lo, hi))
                n = total - grid[r][c]
                out.append(1 if n == 3 or (n == 2 and grid[r][c]) else 0)
            new.append(out)
        grid = new
    return grid
