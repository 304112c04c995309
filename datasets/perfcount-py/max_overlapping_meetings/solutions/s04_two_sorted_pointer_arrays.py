def max_overlapping_meetings(meetings):
    starts = sorted(s for s, _ in meetings)
    ends = sorted(e for _, e in meetings)
    best = current = 0
    j = 0
    for s in starts:
        while ends[j] <= s:
            j += 1
            current -= 1
        current += 1
        best = max(best, current)
    return best
