def merge_intervals(intervals):
    ordered = sorted(intervals, key=lambda iv: iv[0])
    result = []
    for iv in ordered:
        if not result or iv[0] > result[-1][1]:
            result.append(list(iv))
        else:
            result[-1][1] = max(result[-1][1], iv[1])
    return result
