def count_islands(grid):
    board = [list(line) for line in grid]
    h = len(board)
    w = len(board[0]) if h else 0
    total = 0
    for i in range(h):
        for j in range(w):
            if board[i][j] != "1":
                continue
            total += 1
            todo = [(i, j)]
            board[i][j] = "#"
            while todo:
                y, x = todo.pop()
                for a, b in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                    if 0 <= a < h and 0 <= b < w and board[a][b] == "1":
                        board[a][b] = "#"
                        todo.append((a, b))
    return total
