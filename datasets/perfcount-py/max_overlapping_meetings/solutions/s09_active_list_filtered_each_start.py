def max_overlapping_meetings(meetings):
    active = []
    best = 0
    for s, e in sorted(meetings):
        active = [end for end in active if end > s]
        active.append(e)
        best = max(best, len(active))
    return best
