def max_overlapping_meetings(meetings):
    best = 0
    for s, _ in meetings:
        # the maximum is always reached at some meeting's start
        count = 0
        for a, b in meetings:
            if a <= s < b:
                count += 1
        best = max(best, count)
    return best
