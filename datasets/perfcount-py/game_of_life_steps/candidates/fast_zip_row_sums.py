def life_after(cells, steps):
    grid = [list(row) for row in cells]
    if not grid or not grid[0]:
        return grid
    width = len(grid[0])
    blank = [0] * (width + 2)
    for _ in range(steps):
        padded = [blank] + [[0, *row, 0] for row in grid] + [blank]
        triple = [
            [a + b + c for a, b, c in zip(padded[i], padded[i + 1], padded[i + 2])]
            for i in range(len(grid))
        ]
        grid = [
            [
                1 if (s := t[j] + t[j + 1] + t[j + 2]) == 3 or (s == 4 and row[j]) else 0
                for j in range(width)
            ]
            for t, row in zip(triple, grid)
        ]
    return grid
