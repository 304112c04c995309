def count_islands(grid):
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    seen = []
    count = 0
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == "1" and [r, c] not in seen:
                count += 1
                queue = [[r, c]]
                seen.append([r, c])
                while queue:
                    y, x = queue.pop(0)
                    for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                        if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] == "1" and [ny, nx] not in seen:
                            seen.append([ny, nx])
                            queue.append([ny, nx])
    return count
