def count_islands(grid):
    land = {(r, c) for r, line in enumerate(grid) for c, ch in enumerate(line) if ch == "1"}
    count = 0
    while land:
        count += 1
        stack = [land.pop()]
        while stack:
            r, c = stack.pop()
            for cell in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if cell in land:
                    land.remove(cell)
                    stack.append(cell)
    return count
