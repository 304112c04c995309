from collections import Counter


def life_after(cells, steps):
    rows = len(cells)
    cols = len(cells[0]) if rows else 0
    live = {(r, c) for r in range(rows) for c in range(cols) if cells[r][c]}
    for _ in range(steps):
        counts = Counter(
            (r + dr, c + dc)
            for r, c in live
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (dr or dc) and 0 <= r + dr < rows and 0 <= c + dc < cols
        )
        live = {p for p, n in counts.items() if n == 3 or (n == 2 and p in live)}
    return [[1 if (r, c) in live else 0 for c in range(cols)] for r in range(rows)]
