import copy


def life_after(cells, steps):
    grid = copy.deepcopy(cells)
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    for _ in range(steps):
        old = copy.deepcopy(grid)
        for r in range(rows):
            for c in range(cols):
                n = 0
                if r > 0 and c > 0 and old[r - 1][c - 1]:
                    n += 1
                if r > 0 and old[r - 1][c]:
                    n += 1
                if r > 0 and c + 1 < cols and old[r - 1][c + 1]:
                    n += 1
                if c > 0 and old[r][c - 1]:
                    n += 1
                if c + 1 < cols and old[r][c + 1]:
                    n += 1
                if r + 1 < rows and c > 0 and old[r + 1][c - 1]:
                    n += 1
                if r + 1 < rows and old[r + 1][c]:
                    n += 1
                if r + 1 < rows and c + 1 < cols and old[r + 1][c + 1]:
                    n += 1
                grid[r][c] = 1 if n == 3 or (n == 2 and old[r][c]) else 0
    return grid
