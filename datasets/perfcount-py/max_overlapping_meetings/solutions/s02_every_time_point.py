def max_overlapping_meetings(meetings):
    if not meetings:
        return 0
    lo = min(s for s, _ in meetings)
    hi = max(e for _, e in meetings)
    best = 0
    for t in range(lo, hi):
        count = sum(1 for s, e in meetings if s <= t < e)
        if count > best:
            best = count
    return best
