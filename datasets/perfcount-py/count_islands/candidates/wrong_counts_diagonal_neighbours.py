def count_islands(grid):
    # Treats diagonal contact as connected (8-neighbourhood).
    h = len(grid)
    w = len(grid[0]) if h else 0
    seen = set()
    count = 0
    for i in range(h):
        for j in range(w):
            if grid[i][j] == "1" and (i, j) not in seen:
                count += 1
                stack = [(i, j)]
                seen.add((i, j))
                while stack:
                    y, x = stack.pop()
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            a, b = y + dy, x + dx
                            if (
                                0 <= a < h
                                and 0 <= b < w
                                and grid[a][b] == "1"
                                and (a, b) not in seen
                            ):
                                seen.add((a, b))
                                stack.append((a, b))
    return count
