def merge_intervals(intervals):
    current = [list(x) for x in intervals]
    while True:
        merged_any = False
        out = []
        for iv in current:
            for other in out:
                if iv[0] <= other[1] and other[0] <= iv[1]:
                    other[0] = min(other[0], iv[0])
                    other[1] = max(other[1], iv[1])
                    merged_any = True
                    break
            else:
                out.append(list(iv))
        current = out
        if not merged_any:
            return sorted(current)
