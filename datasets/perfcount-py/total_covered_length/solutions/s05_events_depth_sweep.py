def total_covered_length(segments):
    events = []
    for a, b in segments:
        if a < b:
            events.append((a, 1))
            events.append((b, -1))
    events.sort()
    total, depth, prev = 0, 0, None
    for x, delta in events:
        if depth > 0:
            total += x - prev
        depth += delta
        prev = x
    return total
