def shortest_grid_path(grid):
    # Dynamic programming over right/down moves only: misses paths that go back up or left.
    h, w = len(grid), len(grid[0])
    inf = float("inf")
    best = [[inf] * w for _ in range(h)]
    for y in range(h):
        for x in range(w):
            if grid[y][x] == "#":
                continue
            if y == 0 and x == 0:
                best[y][x] = 0
                continue
            up = best[y - 1][x] if y else inf
            left = best[y][x - 1] if x else inf
            best[y][x] = min(up, left) + 1
    return -1 if best[-1][-1] == inf else best[-1][-1]
