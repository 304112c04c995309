def count_islands(grid):
    # Keeps a list of islands as sets and merges them as land cells are scanned.
    islands = []
    for i, line in enumerate(grid):
        for j, ch in enumerate(line):
            if ch != "1":
                continue
            touching = [s for s in islands if (i - 1, j) in s or (i, j - 1) in s]
            merged = {(i, j)}
            for s in touching:
                merged |= s
                islands.remove(s)
            islands.append(merged)
    return len(islands)
