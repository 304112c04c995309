def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    grid = [list(row) for row in cells]

    def neighbours(r, c):
        return [
            (r + dr, c + dc)
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr, dc) != (0, 0) and 0 <= r + dr < rows and 0 <= c + dc < cols
        ]

    for _ in range(steps):
        grid = [
            [
                int(
                    sum(grid[a][b] for a, b in neighbours(r, c)) == 3
                    or (grid[r][c] == 1 and sum(grid[a][b] for a, b in neighbours(r, c)) == 2)
                )
                for c in range(cols)
            ]
            for r in range(rows)
        ]
    return grid
