def max_overlapping_meetings(meetings):
    # Counts a meeting ending at t as overlapping one starting at t.
    events = []
    for start, end in meetings:
        events.append((start, -1))
        events.append((end, 1))
    events.sort()
    running = peak = 0
    for _, kind in events:
        running -= kind
        peak = max(peak, running)
    return peak
