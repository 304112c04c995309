def total_covered_length(segments):
    if not segments:
        return 0
    lo = min(a for a, _ in segments)
    hi = max(b for _, b in segments)
    cells = [False] * (hi - lo)
    for a, b in segments:
        for x in range(a - lo, b - lo):
            cells[x] = True
    return sum(cells)
