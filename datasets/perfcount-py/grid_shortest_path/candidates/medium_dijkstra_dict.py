import heapq


def shortest_grid_path(grid):
    h, w = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[h - 1][w - 1] == "#":
        return -1
    dist = {}
    heap = [(0, (0, 0))]
    while heap:
        d, (y, x) = heapq.heappop(heap)
        if (y, x) in dist:
            continue
        dist[(y, x)] = d
        for dy, dx in ((0, 1), (1, 0), (0, -1), (-1, 0)):
            ny, nx = y + dy, x + dx
            if 0 <= ny < h and 0 <= nx < w and grid[ny][nx] == "." and (ny, nx) not in dist:
                heapq.heappush(heap, (d + 1, (ny, nx)))
    return dist.get((h - 1, w - 1), -1)
