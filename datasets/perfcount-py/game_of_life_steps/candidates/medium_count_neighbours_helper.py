def life_after(cells, steps):
    height = len(cells)
    width = len(cells[0]) if height else 0
    board = [row[:] for row in cells]

    def live_neighbours(y, x):
        total = 0
        for ny in range(max(0, y - 1), min(height, y + 2)):
            for nx in range(max(0, x - 1), min(width, x + 2)):
                if (ny, nx) != (y, x):
                    total += board[ny][nx]
        return total

    for _ in range(steps):
        board = [
            [
                1 if live_neighbours(y, x) in ((2, 3) if board[y][x] else (3,)) else 0
                for x in range(width)
            ]
            for y in range(height)
        ]
    return board
