def life_after(cells, steps):
    """Plain double-buffered simulation: count the 8 neighbours inside the board."""
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    grid = [row[:] for row in cells]
    for _ in range(steps):
        new = [[0] * cols for _ in range(rows)]
        for r in range(rows):
            for c in range(cols):
                n = 0
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        if dr == 0 and dc == 0:
                            continue
                        rr, cc = r + dr, c + dc
                        if 0 <= rr < rows and 0 <= cc < cols:
                            n += grid[rr][cc]
                if n == 3 or (n == 2 and grid[r][c]):
                    new[r][c] = 1
        grid = new
    return grid
