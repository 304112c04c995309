import heapq


def shortest_grid_path(grid):
    rows, cols = len(grid), len(grid[0])
    if grid[0][0] == "#" or grid[rows - 1][cols - 1] == "#":
        return -1
    tr, tc = rows - 1, cols - 1
    g = {(0, 0): 0}
    heap = [(tr + tc, 0, 0, 0)]
    while heap:
        _, d, r, c = heapq.heappop(heap)
        if r == tr and c == tc:
            return d
        if d > g[(r, c)]:
            continue
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == ".":
                nd = d + 1
                if nd < g.get((nr, nc), nd + 1):
                    g[(nr, nc)] = nd
                    heapq.heappush(heap, (nd + abs(tr - nr) + abs(tc - nc), nd, nr, nc))
    return -1
