def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    live = {(r, c) for r in range(rows) for c in range(cols) if cells[r][c] == 1}
    for _ in range(steps):
        candidates = set()
        for r, c in live:
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if 0 <= r + dr < rows and 0 <= c + dc < cols:
                        candidates.add((r + dr, c + dc))
        nxt = set()
        for r, c in candidates:
            n = 0
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if (dr or dc) and (r + dr, c + dc) in live:
                        n += 1
            if n == 3 or (n == 2 and (r, c) in live):
                nxt.add((r, c))
        live = nxt
    return [[int((r, c) in live) for c in range(cols)] for r in range(rows)]
