from collections import deque


def shortest_grid_path(grid):
    h, w = len(grid), len(grid[0])
    if grid[0][0] != "." or grid[h - 1][w - 1] != ".":
        return -1
    seen = [[False] * w for _ in range(h)]
    seen[0][0] = True
    q = deque([(0, 0, 0)])
    while q:
        y, x, steps = q.popleft()
        if y == h - 1 and x == w - 1:
            return steps
        for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
            if 0 <= ny < h and 0 <= nx < w and not seen[ny][nx] and grid[ny][nx] == ".":
                seen[ny][nx] = True
                q.append((ny, nx, steps + 1))
    return -1
