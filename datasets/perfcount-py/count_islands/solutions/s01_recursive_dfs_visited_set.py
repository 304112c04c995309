import sys


def count_islands(grid):
    sys.setrecursionlimit(max(10000, 4 * len(grid) * (len(grid[0]) if grid else 0) + 100))
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    seen = set()

    def sink(r, c):
        if r < 0 or r >= rows or c < 0 or c >= cols:
            return
        if grid[r][c] != "1" or (r, c) in seen:
            return
        seen.add((r, c))
        sink(r + 1, c)
        sink(r - 1, c)
        sink(r, c + 1)
        sink(r, c - 1)

    count = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "1" and (r, c) not in seen:
                count += 1
                sink(r, c)
    return count
