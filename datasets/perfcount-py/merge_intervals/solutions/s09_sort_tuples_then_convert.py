def merge_intervals(intervals):
    out = []
    cur_s = cur_e = None
    for s, e in sorted(map(tuple, intervals)):
        if cur_e is not None and s <= cur_e:
            if e > cur_e:
                cur_e = e
        else:
            if cur_e is not None:
                out.append((cur_s, cur_e))
            cur_s, cur_e = s, e
    if cur_e is not None:
        out.append((cur_s, cur_e))
    return [list(p) for p in out]
