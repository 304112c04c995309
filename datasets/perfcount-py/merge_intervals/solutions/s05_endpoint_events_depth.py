def merge_intervals(intervals):
    # starts sort before ends at the same coordinate, so touching intervals join
    events = []
    for s, e in intervals:
        events.append((s, 0))
        events.append((e, 1))
    events.sort()
    result, depth, current = [], 0, 0
    for x, kind in events:
        if kind == 0:
            if depth == 0:
                current = x
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                result.append([current, x])
    return result
