def merge_intervals(intervals):
    pending = sorted([list(iv) for iv in intervals])
    result = []
    while pending:
        cur = pending.pop(0)
        while pending and pending[0][0] <= cur[1]:
            nxt = pending.pop(0)
            cur[1] = max(cur[1], nxt[1])
        result.append(cur)
    return result
