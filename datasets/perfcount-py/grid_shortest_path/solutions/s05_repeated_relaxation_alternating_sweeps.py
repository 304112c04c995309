def shortest_grid_path(grid):
    rows, cols = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[rows - 1][cols - 1] == "#":
        return -1
    inf = float("inf")
    dist = [[inf] * cols for _ in range(rows)]
    dist[0][0] = 0
    forward = [(r, c) for r in range(rows) for c in range(cols)]
    backward = forward[::-1]
    changed = True
    sweep = 0
    while changed:  # Bellman-Ford style: sweep (alternating direction) until stable
        changed = False
        for r, c in forward if sweep % 2 == 0 else backward:
            if grid[r][c] == "#":
                continue
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < rows and 0 <= nc < cols and dist[nr][nc] + 1 < dist[r][c]:
                    dist[r][c] = dist[nr][nc] + 1
                    changed = True
        sweep += 1
    return -1 if dist[-1][-1] == inf else dist[-1][-1]
