def shortest_grid_path(grid):
    rows, cols = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[rows - 1][cols - 1] == "#":
        return -1
    level = [(0, 0)]
    visited = [[False] * cols for _ in range(rows)]
    visited[0][0] = True
    steps = 0
    while level:
        if (rows - 1, cols - 1) in level:
            return steps
        nxt = []
        for r, c in level:
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == "." and not visited[nr][nc]:
                    visited[nr][nc] = True
                    nxt.append((nr, nc))
        level = nxt
        steps += 1
    return -1
