def edit_distance(a, b):
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        diag, row[0] = row[0], i
        left = i
        for j, cb in enumerate(b, 1):
            up = row[j]
            if ca == cb:
                val = diag
            else:
                val = up if up < left else left
                if diag < val:
                    val = diag
                val += 1
            row[j] = left = val
            diag = up
    return row[-1]
