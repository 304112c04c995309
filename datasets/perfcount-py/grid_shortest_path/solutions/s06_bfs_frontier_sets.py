def shortest_grid_path(grid):
    rows, cols = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[rows - 1][cols - 1] == "#":
        return -1
    target = (rows - 1, cols - 1)
    frontier = {(0, 0)}
    seen = {(0, 0)}
    steps = 0
    while frontier:
        if target in frontier:
            return steps
        nxt = set()
        for r, c in frontier:
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == "." and (nr, nc) not in seen:
                    nxt.add((nr, nc))
        seen |= nxt
        frontier = nxt
        steps += 1
    return -1
