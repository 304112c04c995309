def merge_intervals(intervals):
    merged = []
    for lo, hi in sorted(intervals, key=lambda p: (p[0], p[1])):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return merged
