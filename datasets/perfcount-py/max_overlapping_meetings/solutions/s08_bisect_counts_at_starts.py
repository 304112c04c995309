from bisect import bisect_right


def max_overlapping_meetings(meetings):
    starts = sorted(s for s, _ in meetings)
    ends = sorted(e for _, e in meetings)
    best = 0
    for s in starts:
        # started at or before s, minus ended at or before s
        active = bisect_right(starts, s) - bisect_right(ends, s)
        if active > best:
            best = active
    return best
