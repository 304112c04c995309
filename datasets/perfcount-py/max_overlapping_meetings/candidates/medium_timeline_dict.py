def max_overlapping_meetings(meetings):
    timeline = {}
    for start, end in meetings:
        timeline[start] = timeline.get(start, 0) + 1
        timeline[end] = timeline.get(end, 0) - 1
    running = peak = 0
    for time in sorted(timeline.keys()):
        running += timeline[time]
        peak = max(peak, running)
    return peak
