def count_islands(grid):
    cells = [list(row) for row in grid]
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    count = 0
    for r in range(rows):
        for c in range(cols):
            if cells[r][c] == "1":
                count += 1
                cells[r][c] = "0"
                stack = [(r, c)]
                while stack:
                    y, x = stack.pop()
                    if y > 0 and cells[y - 1][x] == "1":
                        cells[y - 1][x] = "0"
                        stack.append((y - 1, x))
                    if y + 1 < rows and cells[y + 1][x] == "1":
                        cells[y + 1][x] = "0"
                        stack.append((y + 1, x))
                    if x > 0 and cells[y][x - 1] == "1":
                        cells[y][x - 1] = "0"
                        stack.append((y, x - 1))
                    if x + 1 < cols and cells[y][x + 1] == "1":
                        cells[y][x + 1] = "0"
                        stack.append((y, x + 1))
    return count
