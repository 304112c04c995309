def total_covered_length(segments):
    total = 0
    reach = None
    for a, b in sorted(segments, key=lambda s: s[0]):
        if reach is None or a >= reach:
            total += b - a
            reach = b
        elif b > reach:
            total += b - reach
            reach = b
    return total
