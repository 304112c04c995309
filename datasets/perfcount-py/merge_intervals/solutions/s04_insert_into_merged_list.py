def merge_intervals(intervals):
    merged = []  # disjoint, sorted
    for start, end in intervals:
        kept = []
        for s, e in merged:
            if e < start or s > end:
                kept.append([s, e])
            else:
                start, end = min(start, s), max(end, e)
        kept.append([start, end])
        kept.sort()
        merged = kept
    return merged
