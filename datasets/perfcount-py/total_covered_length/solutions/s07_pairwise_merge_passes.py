def total_covered_length(segments):
    pieces = [list(s) for s in segments if s[0] < s[1]]
    merged = True
    while merged:  # passes over all pairs until no two pieces overlap
        merged = False
        i = 0
        while i < len(pieces):
            j = i + 1
            while j < len(pieces):
                a, b = pieces[i], pieces[j]
                if a[0] <= b[1] and b[0] <= a[1]:
                    pieces[i] = [min(a[0], b[0]), max(a[1], b[1])]
                    pieces.pop(j)
                    merged = True
                else:
                    j += 1
            i += 1
    return sum(b - a for a, b in pieces)
