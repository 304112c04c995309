def sort_by_frequency(xs):
    ordered = sorted(xs)
    runs = []
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j] == ordered[i]:
            j += 1
        runs.append(ordered[i:j])
        i = j
    # stable sort keeps equal-length runs in ascending value order
    runs.sort(key=lambda r: -len(r))
    return [x for run in runs for x in run]
