def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    board = {(r, c): cells[r][c] for r in range(rows) for c in range(cols)}
    offsets = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
    for _ in range(steps):
        nxt = {}
        for (r, c), alive in board.items():
            n = sum(board.get((r + dr, c + dc), 0) for dr, dc in offsets)
            nxt[(r, c)] = 1 if n == 3 or (n == 2 and alive) else 0
        board = nxt
    return [[board[(r, c)] for c in range(cols)] for r in range(rows)]
