def total_covered_length(segments):
    covered = set()
    for a, b in segments:
        cells = list(range(a, b))
        for c in cells:
            if c not in covered:
                covered.add(c)
    return len(covered)
