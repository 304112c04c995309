def merge_intervals(intervals):
    data = sorted(intervals)
    result = []
    i = 0
    while i < len(data):
        lo, hi = data[i]
        j = i + 1
        while j < len(data) and data[j][0] <= hi:
            hi = max(hi, data[j][1])
            j += 1
        result.append([lo, hi])
        i = j
    return result
