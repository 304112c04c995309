def life_after(cells, steps):
    height = len(cells)
    width = len(cells[0]) if height else 0
    live = [(y, x) for y in range(height) for x in range(width) if cells[y][x]]
    for _ in range(steps):
        nxt = []
        for y in range(height):
            for x in range(width):
                n = sum(
                    1
                    for ly, lx in live
                    if abs(ly - y) <= 1 and abs(lx - x) <= 1 and (ly, lx) != (y, x)
                )
                if n == 3 or (n == 2 and (y, x) in live):
                    nxt.append((y, x))
        live = nxt
    return [[1 if (y, x) in live else 0 for x in range(width)] for y in range(height)]
