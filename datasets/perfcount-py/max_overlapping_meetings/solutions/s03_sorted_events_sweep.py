def max_overlapping_meetings(meetings):
    events = []
    for s, e in meetings:
        events.append((s, 1))
        events.append((e, -1))
    events.sort()  # at equal times the -1 (end) sorts first
    best = current = 0
    for _, delta in events:
        current += delta
        if current > best:
            best = current
    return best
