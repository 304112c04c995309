from bisect import bisect_left


def total_covered_length(segments):
    xs = sorted({x for seg in segments for x in seg})
    marked = [False] * max(len(xs) - 1, 0)
    for a, b in segments:
        for k in range(bisect_left(xs, a), bisect_left(xs, b)):
            marked[k] = True
    return sum(xs[k + 1] - xs[k] for k, m in enumerate(marked) if m)
