def max_overlapping_meetings(meetings):
    peak = 0
    for start, _ in meetings:
        active = [m for m in meetings if m[0] <= start and start < m[1]]
        peak = max(peak, len(active))
    return peak
