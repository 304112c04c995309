def count_islands(grid):
    label = {}
    for i, line in enumerate(grid):
        for j, ch in enumerate(line):
            if ch == "1":
                label[(i, j)] = i * len(line) + j
    while True:
        updated = False
        for (i, j), value in list(label.items()):
            smallest = min(
                [value]
                + [label[n] for n in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)) if n in label]
            )
            if smallest < value:
                label[(i, j)] = smallest
                updated = True
        if not updated:
            return len(set(label.values()))
