from itertools import accumulate


def max_overlapping_meetings(meetings):
    if not meetings:
        return 0
    lo = min(s for s, _ in meetings)
    hi = max(e for _, e in meetings)
    diff = [0] * (hi - lo + 1)
    for s, e in meetings:
        diff[s - lo] += 1
        diff[e - lo] -= 1
    return max(accumulate(diff))
