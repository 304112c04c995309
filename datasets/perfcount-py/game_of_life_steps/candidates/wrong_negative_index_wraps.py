def life_after(cells, steps):
    grid = [row[:] for row in cells]
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    for _ in range(steps):
        new = [[0] * cols for _ in range(rows)]
        for r in range(rows):
            for c in range(cols):
                n = 0
                for dr in (-1, 0, 1):
                    for dc in (-1, 0, 1):
                        if dr or dc:
                            try:
                                # Bug: index -1 wraps to the far edge instead of failing.
                                n += grid[r + dr][c + dc]
                            except IndexError:
                                continue
                new[r][c] = 1 if n == 3 or (n == 2 and grid[r][c]) else 0
        grid = new
    return grid
