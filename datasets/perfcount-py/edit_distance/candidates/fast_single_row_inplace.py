def edit_distance(a, b):
    if len(b) > len(a):
        a, b = b, a  # keep the row short
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        upper_left, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            upper = row[j]
            if x == y:
                row[j] = upper_left
            else:
                best = row[j - 1]
                if upper < best:
                    best = upper
                if upper_left < best:
                    best = upper_left
                row[j] = best + 1
            upper_left = upper
    return row[-1]
