from bisect import bisect_right


def max_overlapping_meetings(meetings):
    best = 0
    for s, _ in meetings:
        starts = sorted(m[0] for m in meetings)
        ends = sorted(m[1] for m in meetings)
        # meetings started at or before s that have not ended by s
        active = bisect_right(starts, s) - bisect_right(ends, s)
        best = max(best, active)
    return best
