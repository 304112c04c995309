def merge_intervals(intervals):
    data = sorted([list(iv) for iv in intervals])
    i = 0
    while i < len(data) - 1:
        if data[i + 1][0] <= data[i][1]:
            data[i][1] = max(data[i][1], data[i + 1][1])
            data.pop(i + 1)
        else:
            i += 1
    return data
