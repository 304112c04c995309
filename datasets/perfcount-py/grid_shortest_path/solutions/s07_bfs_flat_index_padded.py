def shortest_grid_path(grid):
    rows, cols = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[rows - 1][cols - 1] == "#":
        return -1
    # pad with a wall border so no bounds checks are needed
    width = cols + 2
    open_ = [False] * (width * (rows + 2))
    for r, line in enumerate(grid, 1):
        base = r * width + 1
        for c, ch in enumerate(line):
            if ch == ".":
                open_[base + c] = True
    start, goal = width + 1, rows * width + cols
    dist = [-1] * len(open_)
    dist[start] = 0
    queue = [start]
    moves = (1, -1, width, -width)
    for cell in queue:  # the list grows while we iterate: a FIFO without pops
        d = dist[cell] + 1
        for m in moves:
            nxt = cell + m
            if open_[nxt] and dist[nxt] < 0:
                dist[nxt] = d
                queue.append(nxt)
    return dist[goal]
