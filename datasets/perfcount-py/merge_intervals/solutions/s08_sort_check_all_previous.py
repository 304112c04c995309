def merge_intervals(intervals):
    result = []
    for start, end in sorted(intervals):
        for iv in result:
            if start <= iv[1] and iv[0] <= end:
                iv[0], iv[1] = min(iv[0], start), max(iv[1], end)
                break
        else:
            result.append([start, end])
    return result
