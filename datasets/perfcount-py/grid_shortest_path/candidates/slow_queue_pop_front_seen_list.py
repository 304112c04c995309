def shortest_grid_path(grid):
    h, w = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[-1][-1] == "#":
        return -1
    queue = [[0, 0, 0]]
    explored = []
    while queue:
        y, x, d = queue.pop(0)
        if [y, x] in explored:
            continue
        explored.append([y, x])
        if y == h - 1 and x == w - 1:
            return d
        for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0)):
            ny, nx = y + dy, x + dx
            if 0 <= ny < h and 0 <= nx < w and grid[ny][nx] == ".":
                queue.append([ny, nx, d + 1])
    return -1
